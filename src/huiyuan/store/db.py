"""Engines for SQLite (the embedded default) and PostgreSQL, and schema migrations."""

from __future__ import annotations

import sqlite3
import threading
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

WRITE = "huiyuan_write"
# How long a writer waits for another writer of the same process (SQLite), as busy_timeout.
WRITER_WAIT_SECONDS = 10.0


def normalize_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    _set_pragmas(engine)
    _queue_writers(engine)


def _set_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so writers can BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def _queue_writers(engine: Engine) -> None:
    # SQLite has one writer at a time. The writers of this process queue on a lock of their
    # own before BEGIN IMMEDIATE: SQLite's busy handler polls with sleeps of up to 100 ms, so
    # threads contending for the write lock left the database idle between writers (under
    # load the server slept most of the time). The busy handler still arbitrates between
    # processes. The lock is released once COMMIT or ROLLBACK is done, not before.
    writer = threading.Lock()
    holding = "huiyuan_writer"

    def _release(info: dict[Any, Any]) -> None:
        if info.pop(holding, False):
            writer.release()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: no upgrade deadlock between two readers.
        if not conn.get_execution_options().get(WRITE, False):
            conn.exec_driver_sql("BEGIN")
            return
        if not conn.info.get(holding):
            if not writer.acquire(timeout=WRITER_WAIT_SECONDS):
                raise sqlite3.OperationalError("database is locked (a writer of this process)")
            conn.info[holding] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    # These events run before SQLAlchemy's own commit/rollback: end the transaction here
    # (the driver's call after it is then a no-op) so the next writer starts after it.
    @event.listens_for(engine, "commit")
    def _on_commit(conn: Any) -> None:
        if conn.info.get(holding):
            try:
                conn.connection.dbapi_connection.commit()
            except sqlite3.Error:
                return  # SQLAlchemy's own commit, next, raises it as its error
            _release(conn.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        if conn.info.get(holding):
            try:
                conn.connection.dbapi_connection.rollback()
            finally:
                _release(conn.info)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:  # a connection given back mid-transaction (a bug elsewhere)
            _release(record.info)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("huiyuan.store") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration; safe to run twice."""
    command.upgrade(alembic_config(engine), "head")
