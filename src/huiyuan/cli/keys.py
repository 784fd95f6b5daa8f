"""`huiyuan keys ...`: the personal-data keys: status, rotation, pruning, a new key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..settings import get_settings
from .common import DbOpt, fail, open_context

keys_app = typer.Typer(no_args_is_help=True, help="个人信息密钥 / personal-data keys")


def _key_file(db: str | None) -> Path | None:
    """The key file in use, or None when the key comes from HUIYUAN_SECRET_KEY."""
    from ..bootstrap import default_key_file

    settings = get_settings()
    if settings.secret_key:
        return None
    return Path(settings.key_file or default_key_file(db or settings.database_url))


@keys_app.command("status")
def keys_status(db: DbOpt = None) -> None:
    """当前密钥与各密钥加密的数据量 / the current key and how many values each key sealed."""
    from ..services.keys import key_usage

    ctx = open_context(db, migrate=True)
    sealer = ctx.sealer
    where = _key_file(db)
    typer.echo(f"source: {where if where else 'HUIYUAN_SECRET_KEY'}")
    typer.echo(f"current key: {sealer.key_id}")
    typer.echo("old keys: " + (", ".join(sealer.key_ids[1:]) or "none"))
    for table, usage in key_usage(ctx.engine).items():
        shown = ", ".join(f"{k}={n}" for k, n in sorted(usage.items())) or "no values"
        typer.echo(f"{table}: {shown}")


@keys_app.command("rotate")
def keys_rotate(
    reseal_only: Annotated[
        bool, typer.Option("--reseal-only", help="no new key: re-seal under the current one")
    ] = False,
    batch: Annotated[int, typer.Option("--batch", min=1, max=100000)] = 500,
    db: DbOpt = None,
) -> None:
    """轮换密钥并重新加密 / rotate the key and re-seal every value and lookup hash under it.

    With a key file: a new key goes first in the file (old keys stay below it, so nothing
    becomes unreadable), then every row is re-sealed. With HUIYUAN_SECRET_KEY: put the new key
    there and the old ones in HUIYUAN_OLD_SECRET_KEYS first; this re-seals. Restart servers
    afterwards so they seal with the new key. Safe to run again after an interruption.
    """
    from ..security import Sealer, read_key_file, write_key_file
    from ..services.keys import reseal_all

    ctx = open_context(db, migrate=True)
    where = _key_file(db)
    sealer = ctx.sealer
    if where is not None and not reseal_only:
        keys = read_key_file(where)
        new = os.urandom(32)
        write_key_file(where, [new, *keys])
        sealer = Sealer(new, tuple(keys) + sealer.old_keys)
        typer.echo(f"new key {sealer.key_id} written to {where}")
    elif where is None and not reseal_only and not sealer.old_keys:
        fail(
            "the key comes from HUIYUAN_SECRET_KEY: set the new key there and the old one in "
            "HUIYUAN_OLD_SECRET_KEYS, then run `huiyuan keys rotate` again"
        )
    done = reseal_all(ctx.engine, sealer, batch=batch)
    for table, n in done.items():
        typer.echo(f"{table}: {n} row(s) re-sealed")
    typer.echo(
        f"所有数据已使用密钥 {sealer.key_id} 加密 / every value is sealed with {sealer.key_id}"
    )


@keys_app.command("prune")
def keys_prune(db: DbOpt = None) -> None:
    """删除不再使用的旧密钥 / drop old keys from the key file once no value needs them."""
    from ..security import read_key_file, write_key_file
    from ..services.keys import key_usage

    ctx = open_context(db, migrate=True)
    where = _key_file(db)
    if where is None:
        fail("the key comes from HUIYUAN_SECRET_KEY: remove HUIYUAN_OLD_SECRET_KEYS yourself")
    current = ctx.sealer.key_id
    stale = sorted({k for usage in key_usage(ctx.engine).values() for k in usage if k != current})
    if stale:
        fail(
            f"values still sealed with {', '.join(stale)}: run `huiyuan keys rotate --reseal-only`"
        )
    keys = read_key_file(where)
    write_key_file(where, keys[:1])
    typer.echo(f"{len(keys) - 1} old key(s) removed; current key {current}")


@keys_app.command("generate")
def keys_generate() -> None:
    """打印一个新密钥 / print a new key (for HUIYUAN_SECRET_KEY)."""
    from ..security import new_key_text

    typer.echo(new_key_text())
