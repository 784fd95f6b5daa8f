"""`huiyuan notify ...`: send due messages (for cron) and list the outbox."""

from __future__ import annotations

import json
from typing import Annotated

import typer

notify_app = typer.Typer(no_args_is_help=True, help="会员消息 / member notifications")


@notify_app.command("send")
def send(
    program: Annotated[
        str | None, typer.Option("--program", help="one program; default all")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 500,
    db: Annotated[
        str | None, typer.Option("--db", help="database URL (or HUIYUAN_DATABASE_URL)")
    ] = None,
) -> None:
    """发送到期消息 / send due messages once (run it from cron every minute or so)."""
    from ..cli.common import open_context
    from .sender import send_due
    from .settings import build_channels

    ctx = open_context(db, migrate=True)
    report = send_due(ctx, build_channels(), program, limit)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))


@notify_app.command("list")
def list_messages(
    program: Annotated[str, typer.Option("--program")],
    status: Annotated[str | None, typer.Option("--status")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    db: Annotated[
        str | None, typer.Option("--db", help="database URL (or HUIYUAN_DATABASE_URL)")
    ] = None,
) -> None:
    """列出消息 / list the outbox (e.g. --status failed)."""
    from ..cli.common import open_context
    from .service import list_outbox

    ctx = open_context(db, migrate=True)
    result = list_outbox(ctx, program, status, None, None, limit, None)
    for item in result["items"]:
        typer.echo(
            f"{item['message_id']}\t{item['status']}\t{item['kind']}\t{item['member_id']}\t"
            f"{item['attempts']}\t{item['last_error'] or ''}"
        )
    typer.echo(json.dumps(result["counts"]))
