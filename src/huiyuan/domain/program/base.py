"""The building blocks every section of a program file uses: exact amounts and rates, frozen
models, reasons, and the line conditions rules are written with."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..festivals import KNOWN
from ..money import exact, money


def _no_float_money(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('write amounts as strings, e.g. "50.00" (floats are not exact)')
    if isinstance(value, int | str | Decimal) and not isinstance(value, bool):
        return money(value)
    return value


def _no_float_exact(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('write rates as strings, e.g. "0.05" (floats are not exact)')
    if isinstance(value, int | str | Decimal) and not isinstance(value, bool):
        return exact(value)
    return value


MoneyField = Annotated[Decimal, BeforeValidator(_no_float_money), Field(ge=0)]
Rate = Annotated[Decimal, BeforeValidator(_no_float_exact), Field(ge=0)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(Frozen):
    """Why a rule did or did not apply, in Chinese first and English second."""

    zh: str
    en: str

    def text(self) -> str:
        return f"{self.zh} / {self.en}"


class Condition(Frozen):
    """When a rule applies to a line. Every field given must hold; empty means "any"."""

    categories: tuple[str, ...] = ()
    not_categories: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # the line has at least one of these flags
    not_flags: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # member kinds: personal, unit, group
    unit_price_below: MoneyField | None = None
    unit_price_at_least: MoneyField | None = None
    price_ratio_at_least: Rate | None = None  # price / list_price
    price_ratio_below: Rate | None = None
    birthday: Literal["day", "month"] | None = None
    anniversary: bool = False
    card_presented: bool | None = None


class Exclusion(Condition):
    """Lines matching this get nothing from the rule list it belongs to, and say why."""

    reason: Reason


def check_festivals(festivals: tuple[str, ...]) -> None:
    """Refuses festival names the engine does not know (see domain/festivals.py)."""
    unknown = sorted(set(festivals) - KNOWN)
    if unknown:
        raise ValueError(f"unknown festivals {unknown}; known: {sorted(KNOWN)}")
