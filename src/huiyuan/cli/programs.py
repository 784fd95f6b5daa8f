"""`huiyuan program ...`: load, list and check programs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import HuiyuanError
from ..presets.loader import ProgramFileInvalid, load_preset, load_program_file, preset_codes
from .common import DbOpt, fail, fail_with_file_errors, open_context

program_app = typer.Typer(no_args_is_help=True, help="会员方案 / programs")


@program_app.command("load")
def program_load(
    preset: Annotated[str | None, typer.Argument(help="preset code")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="a program file (TOML)")] = None,
    code: Annotated[str | None, typer.Option("--code")] = None,
    replace: Annotated[bool, typer.Option("--replace")] = False,
    db: DbOpt = None,
) -> None:
    """从预设或文件创建方案 / create a program from a preset or a file."""
    from ..services import programs

    if (preset is None) == (file is None):
        fail("give a PRESET or --file PATH (one of them)")
    try:
        program = load_program_file(file) if file else load_preset(preset or "")
    except ProgramFileInvalid as exc:
        fail_with_file_errors(exc)
    ctx = open_context(db, migrate=True)
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
    from ..services import programs

    ctx = open_context(db, migrate=True)
    for item in programs.list_programs(ctx):
        typer.echo(f"{item['code']}\tv{item['version']}\t{item['name']}")
    typer.echo("presets: " + ", ".join(preset_codes()))


@program_app.command("check")
def program_check(file: Path) -> None:
    """检查方案文件 / validate a program file and list every error."""
    try:
        program = load_program_file(file)
    except ProgramFileInvalid as exc:
        fail_with_file_errors(exc)
    typer.echo(f"ok: {program.code} ({program.name})")
