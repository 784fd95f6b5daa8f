"""Reads program files (TOML), validates them and reports every error with its field path."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain.program import Program


@dataclass(frozen=True)
class ProgramFileError:
    path: str  # e.g. "earning.rules[2].per"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ProgramFileInvalid(ValueError):
    def __init__(self, source: str, errors: list[ProgramFileError]):
        self.source = source
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(f"{source}: {len(errors)} error(s)\n{lines}")


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "model-")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_program(data: dict[str, Any], source: str = "<program>") -> Program:
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        errors = [
            ProgramFileError(_loc(err["loc"]), err["msg"].removeprefix("Value error, "))
            for err in exc.errors()
        ]
        raise ProgramFileInvalid(source, errors) from None


def parse_program_text(text: str, source: str = "<program>") -> Program:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramFileInvalid(source, [ProgramFileError("", f"not valid TOML: {exc}")]) from None
    return parse_program(data, source)


def load_program_file(path: Path) -> Program:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgramFileInvalid(str(path), [ProgramFileError("", str(exc))]) from None
    return parse_program_text(text, str(path))


def preset_codes() -> list[str]:
    folder = resources.files("huiyuan.presets")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_preset(code: str) -> Program:
    if code not in preset_codes():
        raise ProgramFileInvalid(code, [ProgramFileError("", f"no preset named {code!r}")])
    text = resources.files("huiyuan.presets").joinpath(f"{code}.toml").read_text("utf-8")
    return parse_program_text(text, f"preset {code}")
