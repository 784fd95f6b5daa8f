"""The `huiyuan` command line: init, program, token, serve, jobs, import, report, notify,
keys, verify. One module per command group; the Typer app and the entry point live here."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from ..errors import HuiyuanError
from ..notify.cli import notify_app
from ..settings import get_settings
from .batch import import_app, jobs_app, report_app
from .common import DbOpt, fail, open_context
from .keys import keys_app
from .programs import program_app
from .staff import staff_app
from .tokens import token_app

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="会员 Huiyuan: membership and loyalty",
)
app.add_typer(program_app, name="program")
app.add_typer(token_app, name="token")
app.add_typer(staff_app, name="staff")
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")
app.add_typer(jobs_app, name="jobs")
app.add_typer(notify_app, name="notify")
app.add_typer(keys_app, name="keys")


@app.command()
def init(db: DbOpt = None) -> None:
    """创建或升级数据库 / create or upgrade the schema (safe to run twice)."""
    ctx = open_context(db, migrate=True)
    typer.echo(
        f"数据库已就绪 / database ready: {ctx.engine.url.render_as_string(hide_password=True)}"
    )


@app.command()
def verify(
    program: Annotated[str | None, typer.Option("--program")] = None, db: DbOpt = None
) -> None:
    """核对积分账 / reconcile every balance with the ledger; non-zero exit on any mismatch."""
    from ..services.verify import verify as run_verify

    ctx = open_context(db, migrate=True)
    report = run_verify(ctx, program)
    for problem in report.problems:
        typer.echo(f"MISMATCH {problem}")
    if not report.ok:
        fail(f"{len(report.problems)} mismatch(es) found")
    typer.echo("对账无误 / ledger reconciles")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host")] = None,
    port: Annotated[int | None, typer.Option("--port")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="fresh demo database with every preset")
    ] = False,
    db: DbOpt = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="server processes (default 1)")
    ] = 1,
) -> None:
    """启动 API 与后台 / serve the HTTP API and the staff console."""
    from ..api import server
    from ..api.app import create_app

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    if demo:
        from ..demo import build_demo
        from ..demo.accounts import DEMO_STAFF, create_demo_staff

        db = db or "sqlite:///demo.db"
        ctx, token = build_demo(db)
        password = create_demo_staff(ctx)
        typer.echo(f"演示数据已生成 / demo ready: open http://{host}:{port}/")
        logins = ", ".join(login for login, _, _ in DEMO_STAFF)
        typer.echo(f"登录名 / logins: {logins}; 密码 / password: {password}")
        typer.echo(f"API 管理员令牌 / admin API token (for scripts and tills):\n{token}")
    else:
        ctx = open_context(db, migrate=True)
    from ..jobs.scheduler import start_scheduler

    # Jobs on their schedule in each program's time zone, and the outbox sender; off with
    # HUIYUAN_SCHEDULER=0 (then run `huiyuan jobs run` and `huiyuan notify send` from cron).
    scheduler = start_scheduler(ctx)
    try:
        if workers > 1:
            os.environ[server.WORKER_DB_ENV] = ctx.engine.url.render_as_string(hide_password=False)
            server.run(None, host, port, workers, factory="huiyuan.api.server:worker_app")
        else:
            server.run(create_app(ctx), host, port)
    finally:
        if scheduler is not None:
            scheduler.stop()


def main() -> None:
    try:
        app()
    except HuiyuanError as exc:
        typer.echo(f"错误 / error: {exc.detail.splitlines()[0]}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # one line for the user; HUIYUAN_DEBUG=1 shows the traceback
        if os.environ.get("HUIYUAN_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        typer.echo(f"错误 / error: {type(exc).__name__}: {first}", err=True)
        sys.exit(1)
