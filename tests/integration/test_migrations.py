"""The Alembic migrations build exactly the schema the table definitions describe."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from huiyuan.store.db import make_engine, upgrade
from huiyuan.store.schema import metadata

from ..conftest import PG_URL, REQUIRE_PG, _pg_available


def _diff(engine) -> list:
    with engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(mc, metadata)


def test_sqlite_migrations_match_tables(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    upgrade(engine)  # safe to run twice
    assert _diff(engine) == []


def test_postgresql_migrations_match_tables():
    why = _pg_available()
    if why is not None:
        import pytest

        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required but unreachable: {why}")
        pytest.skip(why)
    schema = "m_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
        upgrade(engine)
        upgrade(engine)
        assert _diff(engine) == []
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_migrated_audit_log_refuses_changes(tmp_path):
    import pytest
    from sqlalchemy.exc import DatabaseError

    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO audit_log (recorded_at, action, outcome, detail) "
            "VALUES ('2026-01-01 00:00:00', 'test', 'done', '{}')"
        )
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError), engine.begin() as conn:
            conn.exec_driver_sql(statement)
