"""`huiyuan token ...`: API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import HuiyuanError
from .common import DbOpt, fail, open_context

token_app = typer.Typer(no_args_is_help=True, help="API 令牌 / API tokens")


@token_app.command("list")
def token_list(db: DbOpt = None) -> None:
    """列出令牌（不含密钥）/ list tokens (never their secrets)."""
    from ..services.tokens import list_tokens

    ctx = open_context(db, migrate=True)
    for t in list_tokens(ctx):
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        typer.echo(f"{t['token_id']}\t{t['role']}\t{t['name']}\t{t['created_at']}\t{state}")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="the id shown by `token list`")],
    db: DbOpt = None,
) -> None:
    """吊销令牌 / revoke a token."""
    from ..services.tokens import revoke_token

    ctx = open_context(db, migrate=True)
    try:
        revoke_token(ctx, token_id)
    except HuiyuanError as exc:
        fail(exc.detail)
    typer.echo(f"已吊销 / revoked: {token_id}")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    db: DbOpt = None,
) -> None:
    """新建 API 令牌（最后一行输出）/ create an API token (printed as the last line)."""
    from ..services.tokens import create_token

    ctx = open_context(db, migrate=True)
    try:
        token = create_token(ctx, role, name)
    except HuiyuanError as exc:
        fail(exc.detail)
    typer.echo(f"role: {role}")
    typer.echo(token)
