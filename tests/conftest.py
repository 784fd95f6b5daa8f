"""Shared fixtures: every database-backed test runs on SQLite and on PostgreSQL.

PostgreSQL comes from HUIYUAN_TEST_PG (default: the local server). With HUIYUAN_REQUIRE_PG=1
(as `make test` and CI set) an unreachable PostgreSQL fails the run instead of skipping.
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


def _pg_engine_in_fresh_schema() -> tuple[Engine, str]:
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    create_schema(engine)
    return engine, schema


def _drop_pg_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Engine]:
    """A freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    why = _pg_available()
    if why is not None:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (HUIYUAN_REQUIRE_PG=1) but unreachable: {why}")
        pytest.skip(f"PostgreSQL unreachable: {why}")
    eng, schema = _pg_engine_in_fresh_schema()
    yield eng
    eng.dispose()
    _drop_pg_schema(schema)


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
