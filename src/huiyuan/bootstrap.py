"""Builds the service context from settings: engine, migrations and the personal-data key."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from .security import load_sealer
from .services.context import Context
from .settings import Settings
from .store.db import make_engine, normalize_url, upgrade


def default_key_file(database_url: str) -> str:
    """Beside a SQLite file; in the working directory otherwise."""
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return str(Path(url.database or "huiyuan.db").with_suffix(".key"))
    return "huiyuan.key"


def make_context(
    settings: Settings, database_url: str | None = None, migrate: bool = False
) -> Context:
    url = database_url or settings.database_url
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    sealer = load_sealer(settings.secret_key, settings.key_file or default_key_file(url))
    return Context(engine=engine, sealer=sealer)
