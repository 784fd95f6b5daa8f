"""What every request model shares: the field types with the bounds of API.md, the strict base
model, the idempotency fingerprint of a body and the default moment."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ...domain.calendar import MonthDay
from ...domain.money import MONEY_MAX, POINTS_MAX


def _strict_decimal(places: int, maximum: Decimal, positive: bool) -> Any:
    def check(value: Any) -> Decimal:
        if isinstance(value, (bool, float)):
            raise ValueError('send amounts as decimal strings, e.g. "35.50"')
        try:
            d = Decimal(str(value).strip())
        except Exception:
            raise ValueError("not a decimal number") from None
        if not d.is_finite():
            raise ValueError("not a finite number")
        exponent = d.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise ValueError(f"at most {places} decimal places")
        if d < 0 or (positive and d == 0):
            raise ValueError("must be positive" if positive else "must not be negative")
        if d > maximum:
            raise ValueError(f"at most {maximum}")
        return d.quantize(Decimal(1).scaleb(-places)) if places == 2 else d

    return BeforeValidator(check)


MoneyIn = Annotated[Decimal, _strict_decimal(2, MONEY_MAX, positive=False)]
PositiveMoneyIn = Annotated[Decimal, _strict_decimal(2, MONEY_MAX, positive=True)]
QtyIn = Annotated[Decimal, _strict_decimal(3, Decimal(100000), positive=True)]
GramsIn = Annotated[Decimal, _strict_decimal(3, Decimal(100000000), positive=True)]
PointsIn = Annotated[int, Field(ge=0, lt=POINTS_MAX, strict=True)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w\-./:#]+$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40)]
ShortText = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)]
PhoneIn = Annotated[str, StringConstraints(min_length=1, max_length=20)]
IdNumberIn = Annotated[str, StringConstraints(min_length=1, max_length=40)]
PasswordIn = Annotated[str, StringConstraints(min_length=1, max_length=32)]
NameIn = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
IdType = Literal["resident_id", "passport", "student", "military", "other"]


def _check_birthday(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        MonthDay.parse(value)
    except (ValueError, TypeError):
        raise ValueError("a date YYYY-MM-DD or --MM-DD") from None
    return value


MonthDayIn = Annotated[str | None, AfterValidator(_check_birthday)]


# Moments outside these years are typing mistakes, and would overflow date arithmetic (the
# Jan 1 after 9999-12-31, UTC of 0001-01-01+08:00): refused as bad input, never a 500.
MOMENT_YEARS = (1900, 9000)


def _check_moment(value: datetime | None) -> datetime | None:
    if value is not None and not MOMENT_YEARS[0] <= value.year < MOMENT_YEARS[1]:
        raise ValueError(f"a moment in the years {MOMENT_YEARS[0]}-{MOMENT_YEARS[1] - 1}")
    return value


MomentIn = Annotated[AwareDatetime, AfterValidator(_check_moment)]

_NUL = "\x00"


def _nul_at(value: Any) -> str | None:
    """Where a NUL character hides in one model's raw input (PostgreSQL text cannot hold one),
    or None. Objects inside lists are nested models, which check their own input: each string
    is looked at once however deep the body (a receipt's lines are not walked twice)."""
    if isinstance(value, str):
        return "body" if _NUL in value else None
    if not isinstance(value, dict):
        return None
    for key, item in value.items():
        # Most fields are texts without a NUL: looked at here, without a call (a receipt's
        # every line passes here).
        if isinstance(item, str) and _NUL not in item and _NUL not in str(key):
            continue
        where = _nul_in_field(key, item)
        if where is not None:
            return where
    return None


def _has_nul(value: Any) -> bool:
    return isinstance(value, str) and _NUL in value


def _nul_in_field(key: Any, item: Any) -> str | None:
    """Where a NUL hides in one field of the body: its name, its text, a text in its list, or
    a key or text of its mapping (a nested model or a plain mapping such as attributes)."""
    if _has_nul(key):
        return str(key).replace(_NUL, "")
    if isinstance(item, str):
        return str(key) if _NUL in item else None
    if isinstance(item, list):
        return _nul_in_list(str(key), item)
    if isinstance(item, dict):
        return _nul_in_mapping(str(key), item)
    return None


def _nul_in_list(key: str, items: list[Any]) -> str | None:
    return next((f"{key}[{i}]" for i, e in enumerate(items) if _has_nul(e)), None)


def _nul_in_mapping(key: str, mapping: dict[Any, Any]) -> str | None:
    for k, v in mapping.items():
        if _has_nul(k) or _has_nul(v):
            return f"{key}.{str(k).replace(_NUL, '')}"
    return None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # Refused here rather than failing in the database (a 500) on PostgreSQL.
        where = _nul_at(data)
        if where:
            raise ValueError(f"{where}: text must not contain NUL characters")
        return data

    @model_validator(mode="after")
    def _moments_in_range(self) -> Any:
        for name in _moment_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, datetime):
                try:
                    _check_moment(value)
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from None
        return self


@cache
def _moment_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that may hold a moment (most input models have none)."""
    return tuple(name for name, f in model.model_fields.items() if _mentions_moment(f.annotation))


def _mentions_moment(annotation: Any) -> bool:
    # pydantic's AwareDatetime is a marker class, not a datetime subclass.
    if annotation is AwareDatetime or (
        isinstance(annotation, type) and issubclass(annotation, datetime)
    ):
        return True
    return any(_mentions_moment(arg) for arg in get_args(annotation))


def body_fingerprint(model: BaseModel, *scope: str, key: bytes) -> str:
    """A stable keyed hash of what was asked, to tell a resend from a different request.
    `scope` adds what the path names (a receipt, a member): the same number and body sent for
    another one is a different request (409), not a resend. Keyed (HMAC-SHA-256 with a key
    derived from the secret key): bodies hold card passwords, phone and ID numbers, which an
    unkeyed hash in the requests table would let anyone reading it recover by trying
    candidates. Use `Context.fingerprint`."""
    data = model.model_dump(mode="json", exclude_none=False)
    body = json.dumps(data, sort_keys=True)
    text = "\n".join([*scope, body]) if scope else body
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def moment(value: datetime | None, now: datetime) -> datetime:
    return value if value is not None else now
