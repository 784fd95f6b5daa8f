"""The `huiyuan` command line: init, program, token, serve, jobs, verify."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import HuiyuanError
from .presets.loader import ProgramFileInvalid, load_preset, load_program_file, preset_codes
from .services.context import Context
from .settings import get_settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="会员 Huiyuan: membership and loyalty",
)
program_app = typer.Typer(no_args_is_help=True, help="会员方案 / programs")
token_app = typer.Typer(no_args_is_help=True, help="API 令牌 / API tokens")
app.add_typer(program_app, name="program")
app.add_typer(token_app, name="token")
import_app = typer.Typer(no_args_is_help=True, help="导入 / import")
app.add_typer(import_app, name="import")
report_app = typer.Typer(no_args_is_help=True, help="报表 / reports")
app.add_typer(report_app, name="report")
jobs_app = typer.Typer(no_args_is_help=True, help="定时任务 / scheduled jobs")
app.add_typer(jobs_app, name="jobs")


def _add_notify_commands() -> None:
    from .notify.cli import notify_app

    app.add_typer(notify_app, name="notify")


_add_notify_commands()

DbOpt = Annotated[str | None, typer.Option("--db", help="database URL (or HUIYUAN_DATABASE_URL)")]


def fail(message: str, status: int = 1) -> NoReturn:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    typer.echo(f"错误 / error: {first}", err=True)
    raise typer.Exit(status)


def _ctx(db: str | None, migrate: bool = False) -> Context:
    from .bootstrap import make_context

    try:
        return make_context(get_settings(), db, migrate=migrate)
    except Exception as exc:  # a bad URL or an unreachable server: one line, not a traceback
        fail(f"cannot open database: {exc}")


@app.command()
def init(db: DbOpt = None) -> None:
    """创建或升级数据库 / create or upgrade the schema (safe to run twice)."""
    ctx = _ctx(db, migrate=True)
    typer.echo(
        f"数据库已就绪 / database ready: {ctx.engine.url.render_as_string(hide_password=True)}"
    )


@program_app.command("load")
def program_load(
    preset: Annotated[str | None, typer.Argument(help="preset code")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="a program file (TOML)")] = None,
    code: Annotated[str | None, typer.Option("--code")] = None,
    replace: Annotated[bool, typer.Option("--replace")] = False,
    db: DbOpt = None,
) -> None:
    """从预设或文件创建方案 / create a program from a preset or a file."""
    from .services import programs

    if (preset is None) == (file is None):
        fail("give a PRESET or --file PATH (one of them)")
    try:
        program = load_program_file(file) if file else load_preset(preset or "")
    except ProgramFileInvalid as exc:
        # Every error with its field path, so the user can fix the file in one go.
        typer.echo(f"错误 / error: {exc.source}: {len(exc.errors)} error(s)", err=True)
        for err in exc.errors:
            typer.echo(f"  {err}", err=True)
        raise typer.Exit(1) from None
    ctx = _ctx(db, migrate=True)
    try:
        result = programs.load(
            ctx, program, code, str(file) if file else f"preset:{preset}", replace
        )
    except HuiyuanError as exc:
        fail(exc.detail)
    typer.echo(
        f"已加载方案 / loaded program {result['code']} v{result['version']}: {result['name']}"
    )


@program_app.command("list")
def program_list(db: DbOpt = None) -> None:
    """列出方案 / list programs (and shipped presets)."""
    from .services import programs

    ctx = _ctx(db, migrate=True)
    for item in programs.list_programs(ctx):
        typer.echo(f"{item['code']}\tv{item['version']}\t{item['name']}")
    typer.echo("presets: " + ", ".join(preset_codes()))


@program_app.command("check")
def program_check(file: Path) -> None:
    """检查方案文件 / validate a program file and list every error."""
    try:
        program = load_program_file(file)
    except ProgramFileInvalid as exc:
        typer.echo(f"错误 / error: {exc.source}: {len(exc.errors)} error(s)", err=True)
        for err in exc.errors:
            typer.echo(f"  {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"ok: {program.code} ({program.name})")


@token_app.command("list")
def token_list(db: DbOpt = None) -> None:
    """列出令牌（不含密钥）/ list tokens (never their secrets)."""
    from .services.tokens import list_tokens

    ctx = _ctx(db, migrate=True)
    for t in list_tokens(ctx):
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        typer.echo(f"{t['token_id']}\t{t['role']}\t{t['name']}\t{t['created_at']}\t{state}")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="the id shown by `token list`")],
    db: DbOpt = None,
) -> None:
    """吊销令牌 / revoke a token."""
    from .services.tokens import revoke_token

    ctx = _ctx(db, migrate=True)
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
    from .services.tokens import create_token

    ctx = _ctx(db, migrate=True)
    try:
        token = create_token(ctx, role, name)
    except HuiyuanError as exc:
        fail(exc.detail)
    typer.echo(f"role: {role}")
    typer.echo(token)


@app.command()
def verify(
    program: Annotated[str | None, typer.Option("--program")] = None, db: DbOpt = None
) -> None:
    """核对积分账 / reconcile every balance with the ledger; non-zero exit on any mismatch."""
    from .services.verify import verify as run_verify

    ctx = _ctx(db, migrate=True)
    report = run_verify(ctx, program)
    for problem in report.problems:
        typer.echo(f"MISMATCH {problem}")
    if not report.ok:
        fail(f"{len(report.problems)} mismatch(es) found")
    typer.echo("对账无误 / ledger reconciles")


@jobs_app.command("run")
def jobs_run(
    job: Annotated[str, typer.Argument(help="expire_points, evaluate_tiers, ...")],
    program: Annotated[str, typer.Option("--program")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ISO 8601 moment with offset")
    ] = None,
    db: DbOpt = None,
) -> None:
    """按指定时刻运行任务 / run a scheduled job as of a moment and print what it did."""
    from datetime import datetime

    from rich.progress import Progress, SpinnerColumn, TextColumn

    from .jobs import run_job

    ctx = _ctx(db, migrate=True)
    if as_of is None:
        moment = ctx.now()
    else:
        try:
            moment = datetime.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of is not an ISO 8601 moment: {as_of!r}")
        if moment.tzinfo is None:
            fail("--as-of needs an offset, e.g. 2027-01-01T00:00:00+08:00")
    with Progress(
        SpinnerColumn(), TextColumn("{task.description} {task.completed}"), transient=True
    ) as bar:
        task = bar.add_task(f"{job} / {program}", total=None)
        try:
            result = run_job(ctx, program, job, moment, lambda n: bar.advance(task, n))
        except HuiyuanError as exc:
            fail(exc.detail)
    typer.echo(_json(result))


@import_app.command("receipts")
def import_receipts_cmd(
    file: Annotated[Path, typer.Argument(help="CSV (a row per line item) or JSON lines")],
    program: Annotated[str, typer.Option("--program")],
    on_error: Annotated[str, typer.Option("--on-error", help="skip or stop")] = "skip",
    batch: Annotated[int, typer.Option("--batch", min=1, max=100000)] = 1000,
    db: DbOpt = None,
) -> None:
    """导入历史小票 / import historical receipts through the full rule engine and ledger."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from .services.imports import import_receipts

    if on_error not in ("skip", "stop"):
        fail("--on-error is skip or stop")
    if not file.is_file():
        fail(f"no such file: {file}")
    ctx = _ctx(db, migrate=True)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description} {task.completed}"), transient=True
    ) as bar:
        task = bar.add_task("receipts", total=None)
        try:
            report = import_receipts(
                ctx, program, file, on_error, batch, lambda n: bar.advance(task, n)
            )
        except HuiyuanError as exc:
            fail(exc.detail)
    for number, error in report.errors[:50]:
        typer.echo(f"line {number}: {error}", err=True)
    typer.echo(_json(report.as_dict()))
    if report.stopped_at is not None:
        raise typer.Exit(1)


@report_app.command("vip-monthly")
def report_vip_monthly(
    program: Annotated[str, typer.Option("--program")],
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    by: Annotated[str, typer.Option("--by", help="guide, store or merchant")] = "guide",
    out: Annotated[
        Path | None, typer.Option("--out", help=".xlsx or .csv; JSON to stdout if omitted")
    ] = None,
    db: DbOpt = None,
) -> None:
    """会员月报 / the monthly VIP report per guide, store or merchant."""
    from .services.exports import write_rows
    from .services.guides import monthly_report

    ctx = _ctx(db, migrate=True)
    try:
        report = monthly_report(ctx, program, month, by)
    except HuiyuanError as exc:
        fail(exc.detail)
    if out is None:
        typer.echo(_json(report))
        return
    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail("--out must end in .xlsx or .csv")
    write_rows(report["items"], out, f"VIP {report['month']} {by}")
    typer.echo(f"已写入 / written: {out} ({len(report['items'])} rows)")


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
    from .api import server
    from .api.app import create_app

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    if demo:
        from .demo import build_demo

        db = db or "sqlite:///demo.db"
        ctx, token = build_demo(db)
        typer.echo(f"演示数据已生成 / demo ready: open http://{host}:{port}/")
        typer.echo(f"登录令牌 / log in with this admin token:\n{token}")
    else:
        ctx = _ctx(db, migrate=True)
    from .jobs.scheduler import start_scheduler

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


# ----------------------------------------------------------------------------- keys

keys_app = typer.Typer(no_args_is_help=True, help="个人信息密钥 / personal-data keys")
app.add_typer(keys_app, name="keys")


def _key_file(db: str | None) -> Path | None:
    """The key file in use, or None when the key comes from HUIYUAN_SECRET_KEY."""
    from .bootstrap import default_key_file

    settings = get_settings()
    if settings.secret_key:
        return None
    return Path(settings.key_file or default_key_file(db or settings.database_url))


@keys_app.command("status")
def keys_status(db: DbOpt = None) -> None:
    """当前密钥与各密钥加密的数据量 / the current key and how many values each key sealed."""
    from .services.keys import key_usage

    ctx = _ctx(db, migrate=True)
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
    from .security import Sealer, read_key_file, write_key_file
    from .services.keys import reseal_all

    ctx = _ctx(db, migrate=True)
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
    from .security import read_key_file, write_key_file
    from .services.keys import key_usage

    ctx = _ctx(db, migrate=True)
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
    from .security import new_key_text

    typer.echo(new_key_text())


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


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
