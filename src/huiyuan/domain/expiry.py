"""When earned points expire, by the program's expiry policy, in business time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .calendar import add_months, business_date, next_month_day, start_of_day
from .program import Expiry, ExpiryKind

ExpiryFn = Callable[[Expiry, date], date | None]


def _never(policy: Expiry, earned: date) -> date | None:
    return None


def _clearing(policy: Expiry, earned: date) -> date | None:
    assert policy.month is not None and policy.day is not None
    clears = next_month_day(earned, policy.month, policy.day)
    if policy.last_day_counts_next and (clears - earned).days == 1:
        # Earned on the last day of a period: it belongs to the next one and survives this clearing.
        clears = next_month_day(clears, policy.month, policy.day)
    return clears


def _rolling(policy: Expiry, earned: date) -> date | None:
    assert policy.months is not None
    return add_months(earned, policy.months)


EXPIRY_KINDS: dict[ExpiryKind, ExpiryFn] = {
    ExpiryKind.NEVER: _never,
    ExpiryKind.CLEARING: _clearing,
    ExpiryKind.ROLLING_MONTHS: _rolling,
}


def expires_at(policy: Expiry, earned_at: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment the points stop counting: the start of the expiry's business day.

    Clearing "at the end of Dec 31" is the start of Jan 1; "a year after earning" is the start
    of the same date a year later (the points are usable through the day before).
    """
    day = EXPIRY_KINDS[policy.kind](policy, business_date(earned_at, tz))
    return None if day is None else start_of_day(day, tz)
