"""What every command shares: the --db option, opening the database, one-line failures,
program file errors, JSON output and a progress counter."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer

from ..presets.loader import ProgramFileInvalid
from ..services.context import Context
from ..settings import get_settings

DbOpt = Annotated[str | None, typer.Option("--db", help="database URL (or HUIYUAN_DATABASE_URL)")]


def fail(message: str, status: int = 1) -> NoReturn:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    typer.echo(f"错误 / error: {first}", err=True)
    raise typer.Exit(status)


def open_context(db: str | None, migrate: bool = False) -> Context:
    from ..bootstrap import make_context

    try:
        return make_context(get_settings(), db, migrate=migrate)
    except Exception as exc:  # a bad URL or an unreachable server: one line, not a traceback
        fail(f"cannot open database: {exc}")


def fail_with_file_errors(exc: ProgramFileInvalid) -> NoReturn:
    """Every error with its field path, so the user can fix the file in one go."""
    typer.echo(f"错误 / error: {exc.source}: {len(exc.errors)} error(s)", err=True)
    for err in exc.errors:
        typer.echo(f"  {err}", err=True)
    raise typer.Exit(1) from None


def as_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@contextmanager
def counting(description: str) -> Iterator[Callable[[int], None]]:
    """A transient spinner with a count; yields the function that advances it."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description} {task.completed}"), transient=True
    ) as bar:
        task = bar.add_task(description, total=None)
        yield lambda n: bar.advance(task, n)
