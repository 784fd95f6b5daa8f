"""Loading programs from shipped presets or user files."""

from __future__ import annotations

from pydantic import ValidationError

from ..domain.program import Program
from ..errors import Conflict, Invalid
from ..store.repos.programs import StoredProgram
from .context import Context, require_program
from .results.members import ProgramDescription, ProgramLoaded, ProgramSummary


def load(
    ctx: Context, program: Program, code: str | None, source: str, replace: bool
) -> ProgramLoaded:
    code = code or program.code
    if code != program.code:
        # Validated like the file itself: a code the file could not hold is refused here too.
        try:
            program = Program.model_validate({**program.model_dump(mode="json"), "code": code})
        except ValidationError:
            raise Invalid(
                f"方案代码无效 / invalid program code {code!r}: lowercase letters, digits and _, "
                "starting with a letter",
                code="invalid_program_code",
            ) from None
    now = ctx.now()
    with ctx.uow() as uow:
        existing = uow.programs.get(code)
        if existing is not None and not replace:
            raise Conflict(
                f"方案 {code} 已存在（用 --replace 替换）/ program {code} exists (use --replace)",
                code="program_exists",
            )
        stored = (
            uow.programs.replace(code, program, source, now)
            if existing
            else uow.programs.create(code, program, source, now)
        )
        uow.commit()
    return {"code": stored.code, "version": stored.version, "name": program.name}


def describe(ctx: Context, code: str) -> ProgramDescription:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, code)
    program = stored.program
    return {
        **_summary(stored),
        "timezone": program.timezone,
        "tiers": [{"code": t.code, "name": t.name, "name_en": t.name_en} for t in program.tiers],
        "config": program.model_dump(mode="json"),
    }


def summary(ctx: Context, code: str) -> ProgramSummary:
    """A program's code, version and names, without its rules."""
    with ctx.uow(write=False) as uow:
        return _summary(require_program(uow, code))


def list_programs(ctx: Context) -> list[ProgramSummary]:
    with ctx.uow(write=False) as uow:
        return [_summary(s) for s in uow.programs.list()]


def _summary(stored: StoredProgram) -> ProgramSummary:
    program = stored.program
    return {
        "code": stored.code,
        "version": stored.version,
        "name": program.name,
        "name_en": program.name_en,
    }
