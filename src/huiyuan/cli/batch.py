"""`huiyuan jobs`, `huiyuan import` and `huiyuan report`: the batch work an operator runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import HuiyuanError
from .common import DbOpt, as_json, counting, fail, open_context

jobs_app = typer.Typer(no_args_is_help=True, help="定时任务 / scheduled jobs")
import_app = typer.Typer(no_args_is_help=True, help="导入 / import")
report_app = typer.Typer(no_args_is_help=True, help="报表 / reports")


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

    from ..jobs import run_job

    ctx = open_context(db, migrate=True)
    if as_of is None:
        moment = ctx.now()
    else:
        try:
            moment = datetime.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of is not an ISO 8601 moment: {as_of!r}")
        if moment.tzinfo is None:
            fail("--as-of needs an offset, e.g. 2027-01-01T00:00:00+08:00")
    with counting(f"{job} / {program}") as advance:
        try:
            result = run_job(ctx, program, job, moment, advance)
        except HuiyuanError as exc:
            fail(exc.detail)
    typer.echo(as_json(result))


@import_app.command("receipts")
def import_receipts_cmd(
    file: Annotated[Path, typer.Argument(help="CSV (a row per line item) or JSON lines")],
    program: Annotated[str, typer.Option("--program")],
    on_error: Annotated[str, typer.Option("--on-error", help="skip or stop")] = "skip",
    batch: Annotated[int, typer.Option("--batch", min=1, max=100000)] = 1000,
    db: DbOpt = None,
) -> None:
    """导入历史小票 / import historical receipts through the full rule engine and ledger."""
    from ..services.imports import import_receipts

    if on_error not in ("skip", "stop"):
        fail("--on-error is skip or stop")
    if not file.is_file():
        fail(f"no such file: {file}")
    ctx = open_context(db, migrate=True)
    with counting("receipts") as advance:
        try:
            report = import_receipts(ctx, program, file, on_error, batch, advance)
        except HuiyuanError as exc:
            fail(exc.detail)
    for number, error in report.errors[:50]:
        typer.echo(f"line {number}: {error}", err=True)
    typer.echo(as_json(report.as_dict()))
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
    from ..services.exports import write_rows
    from ..services.guides import monthly_report

    ctx = open_context(db, migrate=True)
    try:
        report = monthly_report(ctx, program, month, by)
    except HuiyuanError as exc:
        fail(exc.detail)
    if out is None:
        typer.echo(as_json(report))
        return
    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail("--out must end in .xlsx or .csv")
    write_rows(report["items"], out, f"VIP {report['month']} {by}")
    typer.echo(f"已写入 / written: {out} ({len(report['items'])} rows)")
