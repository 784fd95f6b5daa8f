"""Where a program names its tiers, and the one check that each name is a tier it defines.

The check reads the program as given, dicts from a file or models built in code alike, so that
it can run beside the field checks and report every unknown tier with its field path even when
other fields are wrong: one pass over a program file reports everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]
T = TypeVar("T")

# Keyed by tier, except in category_class rules, keyed by customer class.
CLASS_RATES = "benefits.rules.*.rates"

# (path, what the value holds). "*" walks a list.
TIER_REFERENCES: tuple[tuple[str, str], ...] = (
    (CLASS_RATES, "keys"),
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


def _child(node: Any, key: str) -> Any:
    if isinstance(node, Mapping):
        return node.get(key)
    if isinstance(node, BaseModel):
        return getattr(node, key, None)
    return None


def _reach(node: Any, parts: list[str], loc: Loc, holder: Any) -> Iterator[tuple[Loc, Any, Any]]:
    """(where, value, the table holding it) for every node a dotted pattern reaches."""
    if not parts:
        yield loc, node, holder
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, list | tuple):
            for i, item in enumerate(node):
                yield from _reach(item, rest, (*loc, i), None)
        return
    child = _child(node, head)
    if child is not None:
        yield from _reach(child, rest, (*loc, head), node)


def _names(value: Any, shape: str) -> list[Any]:
    if shape == "keys" and isinstance(value, Mapping):
        return list(value)
    if shape == "list" and isinstance(value, list | tuple):
        return list(value)
    if shape == "value" and isinstance(value, str):
        return [value]
    return []


def unknown_tiers(data: Any) -> list[InitErrorDetails]:
    """An error, with where it is, for every place `data` names a tier it does not define."""
    known = _tier_codes(data)
    if known is None:
        return []
    listed = sorted(map(str, known))
    errors = []
    for pattern, shape in TIER_REFERENCES:
        for loc, value, names in _named_at(data, pattern, shape):
            bad = sorted(str(n) for n in names if n not in known)
            if bad:
                errors.append(_unknown(loc, bad, listed, value))
    return errors


def _tier_codes(data: Any) -> set[Any] | None:
    tiers = _child(data, "tiers")
    if not isinstance(tiers, list | tuple):
        return None
    return {_child(t, "code") for t in tiers if isinstance(t, Mapping | BaseModel)}


def _named_at(data: Any, pattern: str, shape: str) -> Iterator[tuple[Loc, Any, list[Any]]]:
    """(where, value, the tier names in it) for every node the pattern reaches."""
    for loc, value, holder in _reach(data, pattern.split("."), (), None):
        if pattern == CLASS_RATES and _child(holder, "kind") == "category_class":
            continue
        yield loc, value, _names(value, shape)


def _unknown(loc: Loc, bad: list[str], listed: list[str], value: Any) -> InitErrorDetails:
    error = PydanticCustomError(
        "unknown_tiers", "unknown tiers {bad}; tiers are {tiers}", {"bad": bad, "tiers": listed}
    )
    return InitErrorDetails(type=error, loc=loc, input=value)


def validated_with_tier_check(title: str, data: Any, validate: Callable[[Any], T]) -> T:
    """`validate(data)`, with the unknown tiers of `data` reported beside its own errors."""
    unknown = unknown_tiers(data)
    if not unknown:
        return validate(data)
    try:
        validate(data)
    except ValidationError as exc:
        found = [_again(e) for e in exc.errors()]
        raise ValidationError.from_exception_data(title, [*found, *unknown]) from None
    raise ValidationError.from_exception_data(title, unknown)


def _again(error: ErrorDetails) -> InitErrorDetails:
    """A reported error as it can be raised again."""
    again = InitErrorDetails(type=error["type"], loc=error["loc"], input=error["input"])
    if "ctx" in error:
        again["ctx"] = error["ctx"]
    return again
