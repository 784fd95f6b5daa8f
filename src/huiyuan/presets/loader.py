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


# Where a program file names tiers: (path, what the value holds). "*" walks a list.
TIER_REFERENCES: tuple[tuple[str, str], ...] = (
    ("benefits.rules.*.rates", "keys"),  # except category_class rules, keyed by class
    ("benefits.rules.*.multiples", "keys"),
    ("benefits.rules.*.amounts", "keys"),
    ("benefits.rules.*.when.tiers", "list"),
    ("benefits.exclusions.*.tiers", "list"),
    ("earning.rules.*.points_by_tier", "keys"),
    ("earning.rules.*.when.tiers", "list"),
    ("earning.exclusions.*.tiers", "list"),
    ("earning.multipliers.*.by_tier", "keys"),
    ("earning.multipliers.*.tiers", "list"),
    ("earning.referrals.*.referrer_tiers", "list"),
    ("rewards.catalogue.*.tiers", "list"),
    ("entitlements.*.tiers", "list"),
    ("lottery.win_rates", "keys"),
    ("tiers.*.fall_to", "value"),
    ("stored_value.referral_reward.rates", "keys"),
)


def _walk(node: Any, parts: list[str], path: str, holder: Any = None) -> list[tuple[str, Any, Any]]:
    """(path, value, the table holding it) for every node a dotted pattern reaches."""
    if not parts:
        return [(path, node, holder)]
    head, rest = parts[0], parts[1:]
    if head == "*":
        if not isinstance(node, list):
            return []
        return [f for i, item in enumerate(node) for f in _walk(item, rest, f"{path}[{i}]")]
    if not isinstance(node, dict) or head not in node:
        return []
    return _walk(node[head], rest, f"{path}.{head}" if path else head, node)


def tier_reference_errors(data: dict[str, Any]) -> list[ProgramFileError]:
    """Every place a program file names a tier it does not define, with the field path — also
    when other fields are wrong, so that one pass over the file reports everything."""
    tiers = data.get("tiers")
    if not isinstance(tiers, list):
        return []
    known = {t.get("code") for t in tiers if isinstance(t, dict)}
    errors = []
    for pattern, shape in TIER_REFERENCES:
        for path, value, parent in _walk(data, pattern.split("."), ""):
            category_rates = pattern == "benefits.rules.*.rates" and isinstance(parent, dict)
            if category_rates and parent.get("kind") == "category_class":
                continue
            names: list[Any] = []
            if shape == "keys" and isinstance(value, dict):
                names = list(value)
            elif shape == "list" and isinstance(value, list):
                names = value
            elif shape == "value" and isinstance(value, str):
                names = [value]
            bad = sorted(str(n) for n in names if n not in known)
            if bad:
                errors.append(
                    ProgramFileError(
                        path, f"unknown tiers {bad}; tiers are {sorted(map(str, known))}"
                    )
                )
    return errors


def parse_program(data: dict[str, Any], source: str = "<program>") -> Program:
    references = tier_reference_errors(data)
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        errors = [
            ProgramFileError(_loc(err["loc"]), err["msg"].removeprefix("Value error, "))
            for err in exc.errors()
        ]
        if references:  # the model's own summary of the same problem adds nothing
            errors = [e for e in errors if not (e.path == "" and "unknown tiers" in e.message)]
        raise ProgramFileInvalid(source, errors + references) from None
    if references:
        raise ProgramFileInvalid(source, references)
    return program


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
