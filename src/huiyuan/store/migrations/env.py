"""Alembic environment: runs against the engine the application hands it."""

from __future__ import annotations

from alembic import context

from huiyuan.store.schema import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # run by the alembic command line: build one from the environment
    from huiyuan.settings import get_settings
    from huiyuan.store.db import make_engine

    engine = make_engine(get_settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
