"""Building the demo database: a fresh database, every preset loaded and filled, an admin
token, and a summary of what was made (and of anything that could not be)."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import make_url

from ..domain.program import Program
from ..errors import Conflict, HuiyuanError
from ..presets.loader import ProgramFileInvalid, load_preset, preset_codes
from ..services import programs, tokens
from ..services.context import Context
from ..store.db import normalize_url
from .fill import DemoReport, Filler

DEFAULT_MEMBERS = 300  # in total, shared evenly among the programs
DEFAULT_RECEIPTS = 3000  # in total
DEFAULT_SEED = 8888


class DemoFailed(RuntimeError):
    pass


def build_demo(
    url: str,
    *,
    members: int | None = None,
    receipts: int | None = None,
    seed: int = DEFAULT_SEED,
    strict: bool = False,
    echo: bool = True,
) -> tuple[Context, str]:
    """A fresh demo database at `url`; returns the context and a new admin token.

    `members` and `receipts` are totals over all programs; left out, they are the defaults
    times `HUIYUAN_DEMO_SCALE` (default 1; tests use a fraction). With `strict`, anything that
    could not be built (a preset that fails to load, a member the engine refused) raises
    `DemoFailed`; otherwise it is printed, never skipped silently.
    """
    from ..bootstrap import make_context
    from ..settings import get_settings

    scale = _scale()
    members = members if members is not None else max(1, round(DEFAULT_MEMBERS * scale))
    receipts = receipts if receipts is not None else max(1, round(DEFAULT_RECEIPTS * scale))
    console = Console(highlight=False, quiet=not echo)
    started = time.perf_counter()
    _reset_sqlite_file(url)
    ctx = make_context(get_settings(), url, migrate=True)
    if programs.list_programs(ctx):
        raise Conflict(
            "演示需要一个空数据库 / the demo needs an empty database "
            "(SQLite files are recreated; empty this one first)",
            code="database_not_empty",
        )
    report = populate(ctx, members=members, receipts=receipts, seed=seed, console=console)
    token = tokens.create_token(ctx, "admin", "demo-admin")
    report.seconds = time.perf_counter() - started
    _tell(report, console, echo)
    if report.problems and strict:
        raise DemoFailed("; ".join(report.problems[:10]))
    return ctx, token


def _tell(report: DemoReport, console: Console, echo: bool) -> None:
    console.print(
        f"[green]演示数据 / demo data:[/] {len(report.programs)} 个方案 programs, "
        f"{report.members} 位会员 members ({report.pending} 待开通 pending), "
        f"{report.receipts} 张小票 receipts, {report.returns} 笔退货 returns, "
        f"{report.jobs} 次定时任务 job runs in {report.seconds:.1f} s",
        soft_wrap=True,
    )
    if report.example:
        console.print(
            f"试试 / try: 方案 program [bold]{report.example[0]}[/], "
            f"手机号 phone [bold]{report.example[1]}[/]",
            soft_wrap=True,
        )
    if report.problems:
        errors = Console(stderr=True, highlight=False, quiet=not echo)
        errors.print(f"{len(report.problems)} 个问题 / problem(s):", style="bold red")
        for problem in report.problems[:30]:
            errors.print(f"  {problem}", style="red", markup=False, soft_wrap=True)


def _scale() -> float:
    raw = os.environ.get("HUIYUAN_DEMO_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not 0 < scale <= 10:
        raise ValueError(f"HUIYUAN_DEMO_SCALE must be a number in (0, 10], not {raw!r}")
    return scale


def _reset_sqlite_file(url: str) -> None:
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database or "")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)


def populate(
    ctx: Context,
    *,
    members: int = DEFAULT_MEMBERS,
    receipts: int = DEFAULT_RECEIPTS,
    seed: int = DEFAULT_SEED,
    console: Console | None = None,
) -> DemoReport:
    """Loads every preset and fills each program with members and receipts."""
    from rich.progress import Progress

    console = console or Console(quiet=True)
    report = DemoReport()
    loaded = _load_presets(ctx, report)
    if not loaded:
        return report
    per_program = max(4, members // len(loaded))
    receipts_per_member = max(1.0, receipts / (per_program * len(loaded)))
    now = ctx.now()
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("演示数据 / demo data", total=len(loaded))
        for program in loaded:
            bar.update(task, description=f"{program.code} {program.name}")
            rng = random.Random(f"{seed}:{program.code}")
            Filler(ctx, program, rng, now, report).run(per_program, receipts_per_member)
            bar.advance(task)
    return report


def _load_presets(ctx: Context, report: DemoReport) -> list[Program]:
    loaded: list[Program] = []
    for code in preset_codes():
        try:
            program = load_preset(code)
            programs.load(ctx, program, None, f"preset:{code}", replace=False)
        except (ProgramFileInvalid, HuiyuanError) as exc:
            report.problems.append(f"preset {code} not loaded: {exc}")
            continue
        loaded.append(program)
        report.programs.append(program.code)
    return loaded
