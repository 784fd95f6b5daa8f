"""Shared fixtures: every database-backed test runs on SQLite and on PostgreSQL.

PostgreSQL comes from HUIYUAN_TEST_PG (default: the local server). With HUIYUAN_REQUIRE_PG=1
(as `make test` and CI set) an unreachable PostgreSQL fails the run instead of skipping. Each
test process builds its PostgreSQL schema once and empties it after every test (PgSchemas).
"""

from __future__ import annotations

import base64
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from huiyuan.security import Sealer
from huiyuan.services.context import Context
from huiyuan.store.db import make_engine
from huiyuan.store.schema import metadata

PG_URL = os.environ.get("HUIYUAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("HUIYUAN_REQUIRE_PG") == "1"
TEST_KEY = base64.b64encode(b"k" * 32).decode()
os.environ.setdefault("HUIYUAN_SECRET_KEY", TEST_KEY)

_pg_state: dict[str, Any] = {}


def _pg_available() -> str | None:
    """None if reachable, else why not."""
    if "error" not in _pg_state:
        try:
            eng = create_engine(PG_URL)
            with eng.connect() as conn:
                conn.execute(text("select 1"))
            eng.dispose()
            _pg_state["error"] = None
        except Exception as exc:  # any failure to connect
            _pg_state["error"] = str(exc).splitlines()[0]
    return _pg_state["error"]


def create_schema(engine: Engine) -> None:
    """The schema straight from the table definitions (fast); tests/integration/
    test_migrations.py proves the Alembic migrations build the very same schema."""
    metadata.create_all(engine)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


class PgSchemas:
    """This process's (xdist worker's) PostgreSQL schemas: each is built once, emptied after
    every test that used it, and handed to the next test.

    Building every table costs 0.5-1.5 s on a busy machine; emptying them costs a few ms.
    Tests commit for real (threads, several connections, the CLI), so a rolled-back savepoint
    could not isolate them; emptying can. DELETE, not TRUNCATE: TRUNCATE makes new files for
    every table and index (0.3-0.7 s here). The sequences restart at their start value, as on
    a fresh schema; triggers that refuse deletes (the append-only audit log) are off only
    inside the emptying transaction."""

    def __init__(self, url: str):
        self.url = url
        self._admin: Engine | None = None
        self._made: list[str] = []
        self._free: list[str] = []
        self._emptying: dict[str, str] = {}  # schema -> the statements that empty it

    def take(self) -> tuple[Engine, str]:
        """A new engine on an empty schema of this process (built on first use). New, not
        shared: the parsed programs are cached per engine by id, and ids restart."""
        schema = self._free.pop() if self._free else self._build()
        return self._engine(schema), schema

    def give_back(self, schema: str) -> None:
        """Empties a schema from `take` (dispose its engine first) for the next test. A schema
        that cannot be emptied is not handed out again: the next test builds another."""
        with self._admin_engine().begin() as conn:
            conn.exec_driver_sql(self._emptying[schema])
        self._free.append(schema)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.begin() as conn:
            for schema in self._made:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self._admin.dispose()
        self._admin = None
        self._made.clear()
        self._free.clear()
        self._emptying.clear()

    def _engine(self, schema: str) -> Engine:
        return make_engine(self.url, connect_args={"options": f"-csearch_path={schema}"})

    def _admin_engine(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(self.url)
        return self._admin

    def _build(self) -> str:
        schema = "t_" + uuid.uuid4().hex[:16]
        with self._admin_engine().begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self._made.append(schema)
        engine = self._engine(schema)
        try:
            create_schema(engine)
        finally:
            engine.dispose()
        self._emptying[schema] = self._emptying_sql(schema)
        return schema

    def _emptying_sql(self, schema: str) -> str:
        def name(relation: str) -> str:
            return f'"{schema}"."{relation}"'

        with self._admin_engine().connect() as conn:
            guarded = conn.execute(_TABLES_WITH_TRIGGERS, {"schema": schema}).scalars().all()
            sequences = conn.execute(_SEQUENCES, {"schema": schema}).all()
        # A test that leaves a transaction open fails here after a while instead of hanging.
        statements = ["SET LOCAL lock_timeout = '20s'"]
        statements += [f"ALTER TABLE {name(t)} DISABLE TRIGGER USER" for t in guarded]
        # Children before parents, so no foreign key is ever left pointing at a deleted row.
        statements += [f"DELETE FROM {name(t.name)}" for t in reversed(metadata.sorted_tables)]
        statements += [f"ALTER TABLE {name(t)} ENABLE TRIGGER USER" for t in guarded]
        if sequences:
            restarts = [f"setval('{name(seq)}', {start}, false)" for seq, start in sequences]
            statements.append("SELECT " + ", ".join(restarts))
        return "; ".join(statements)


_TABLES_WITH_TRIGGERS = text(
    "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = :schema AND NOT t.tgisinternal ORDER BY 1"
)
_SEQUENCES = text(
    "SELECT sequencename, start_value FROM pg_sequences WHERE schemaname = :schema ORDER BY 1"
)


PG_SCHEMAS = PgSchemas(PG_URL)


@pytest.fixture(scope="session", autouse=True)
def _drop_pg_schemas() -> Iterator[None]:
    yield
    PG_SCHEMAS.drop_all()


def require_pg() -> None:
    """Skips the test when PostgreSQL is unreachable, or fails it under HUIYUAN_REQUIRE_PG=1."""
    why = _pg_available()
    if why is None:
        return
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required (HUIYUAN_REQUIRE_PG=1) but unreachable: {why}")
    pytest.skip(f"PostgreSQL unreachable: {why}")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Engine]:
    """An empty database of each kind, as freshly built (ids start at 1)."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    require_pg()
    eng, schema = PG_SCHEMAS.take()
    yield eng
    eng.dispose()
    PG_SCHEMAS.give_back(schema)


@dataclass
class Clock:
    """A settable clock: tests decide what 'now' is."""

    now: datetime = field(default_factory=lambda: datetime(2026, 6, 1, 4, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(engine: Engine, clock: Clock) -> Context:
    return Context(engine=engine, sealer=Sealer(base64.b64decode(TEST_KEY)), clock=clock)


class Api:
    """A test client bound to a program, sending an admin token unless told otherwise."""

    def __init__(self, client: Any, ctx: Context, program: str):
        self.client = client
        self.ctx = ctx
        self.program = program
        self.tokens: dict[str, str] = {}

    def token(self, role: str) -> str:
        if role not in self.tokens:
            from huiyuan.services.tokens import create_token

            self.tokens[role] = create_token(self.ctx, role, f"test-{role}")
        return self.tokens[role]

    def url(self, path: str) -> str:
        if path.startswith("/api/") or path == "/healthz" or path == "/":
            return path
        return f"/api/v1/programs/{self.program}{path}"

    def request(self, method: str, path: str, role: str = "admin", **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        headers.setdefault("Authorization", f"Bearer {self.token(role)}")
        return self.client.request(method, self.url(path), headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", path, json=json, **kwargs)


def load_preset_into(ctx: Context, code: str) -> None:
    from huiyuan.presets.loader import load_preset
    from huiyuan.services import programs

    programs.load(ctx, load_preset(code), None, f"preset:{code}", replace=False)


@pytest.fixture
def make_api(ctx: Context) -> Any:
    """make_api("supermarket") → an Api with that preset loaded."""
    from fastapi.testclient import TestClient

    from huiyuan.api.app import create_app

    client = TestClient(create_app(ctx), raise_server_exceptions=False)

    def make(program: str) -> Api:
        load_preset_into(ctx, program)
        return Api(client, ctx, program)

    return make
