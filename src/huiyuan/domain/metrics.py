"""Tier metrics: what a member has spent, ordered, earned or holds, measured at a moment.

One measure per metric, in one table keyed by the metric (`MEASURES`). The till measures a
receipt's metrics with it (the receipt counted in, through the scope) to see which tier the
receipt reaches; tier reviews and tier applications measure as of a moment. Pure: what is
recorded is read through `History`, the moment and the member come in a `Scope`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from .calendar import add_months, add_years, business_date, start_of_day, year_bounds
from .money import ZERO
from .program import Metric
from .tiers import MetricKey

TICK = timedelta(microseconds=1)  # "up to and including a moment" as a half-open bound


class Until(Enum):
    """Where spend "to date" stops: cumulative, calendar-year and membership-year spend.

    Both bounds are needed. A review measures as of a moment: what is dated after it must not
    count, or a review of a past moment (a job catching up, the month before a delayed upgrade)
    would see the future, and the same review run again later would find other values. A
    receipt at the till counts every receipt on record in its period, even those dated after
    it: the receipts dated later were measured without it when they were recorded, so a
    receipt entered late (an offline till, an import of old receipts) is the only one that can
    lift the member by all that is recorded. Trailing windows end at the moment either way."""

    MOMENT = "moment"  # up to and including the moment measured (reviews, applications)
    PERIOD_END = "period_end"  # everything on record in the period (a receipt at the till)


class Spend(Protocol):
    """What the metrics a receipt moves read: the member's recorded receipts."""

    def spend(self, since: datetime | None, until: datetime | None) -> tuple[Decimal, int]:
        """Net paid money and the number of receipts dated in [since, until)."""
        ...


class History(Spend, Protocol):
    """Everything a review's metrics read of a member, as it stood at a moment."""

    def stored_value(self, at: datetime) -> Decimal: ...

    def attributes(self, at: datetime) -> Mapping[str, Any]: ...

    def network_points(self, at: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class Scope:
    """The moment measured and the member's own columns the metrics read."""

    at: datetime
    tz: ZoneInfo
    joined_at: datetime
    valid_until: date | None
    validity_months: int | None
    points_earned_total: int
    until: Until = Until.MOMENT
    period_start: datetime | None = None  # tier-year spend: the card year's start
    # What the receipt being recorded adds (nothing for a review).
    paid: Decimal = ZERO
    points: int = 0
    orders: int = 0


def term_start(scope: Scope) -> datetime:
    """The start of the current membership year: the year that ends on valid_until starts
    validity_months before the day after it (renewed 2027-01-05 → from 2027-01-05, not 01-04),
    never before joining."""
    if scope.valid_until is None or scope.validity_months is None:
        return scope.joined_at
    term = add_months(scope.valid_until + timedelta(days=1), -scope.validity_months)
    return max(scope.joined_at, start_of_day(term, scope.tz))


def numeric(value: Any) -> Decimal:
    """An attribute's value as a number; anything else (text, a flag, nothing) counts as 0."""
    if isinstance(value, bool) or value is None:
        return Decimal(0)
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return d if d.is_finite() else Decimal(0)


def _to_date(scope: Scope, period_end: datetime | None) -> datetime | None:
    return period_end if scope.until is Until.PERIOD_END else scope.at + TICK


def _window(scope: Scope, history: Spend, key: MetricKey) -> tuple[Decimal, int]:
    days = key[1]
    assert days is not None
    return history.spend(scope.at - timedelta(days=days), scope.at + TICK)


def _cumulative_spend(scope: Scope, history: Spend, key: MetricKey) -> Decimal:
    return history.spend(None, _to_date(scope, None))[0] + scope.paid


def _annual_spend(scope: Scope, history: Spend, key: MetricKey) -> Decimal:
    start, end = year_bounds(business_date(scope.at, scope.tz))
    since, year_end = start_of_day(start, scope.tz), start_of_day(end, scope.tz)
    return history.spend(since, _to_date(scope, year_end))[0] + scope.paid


def _membership_year_spend(scope: Scope, history: Spend, key: MetricKey) -> Decimal:
    return history.spend(term_start(scope), _to_date(scope, None))[0] + scope.paid


def _window_spend(scope: Scope, history: Spend, key: MetricKey) -> Decimal:
    return _window(scope, history, key)[0] + scope.paid


def _window_orders(scope: Scope, history: Spend, key: MetricKey) -> Decimal:
    return Decimal(_window(scope, history, key)[1] + scope.orders)


def _single_receipt(scope: Scope, history: Spend, key: MetricKey) -> Decimal:
    return scope.paid


def _cumulative_points(scope: Scope, history: Spend, key: MetricKey) -> Decimal:
    return Decimal(scope.points_earned_total + scope.points)


# The period metrics of reviews end at the moment, exclusive: it is the start of what comes next
# (the next card year, the review date).
def _tier_year_spend(scope: Scope, history: History, key: MetricKey) -> Decimal:
    return history.spend(scope.period_start or scope.joined_at, scope.at)[0]


def _previous_year_spend(scope: Scope, history: History, key: MetricKey) -> Decimal:
    year_ago = start_of_day(add_years(business_date(scope.at, scope.tz), -1), scope.tz)
    return history.spend(year_ago, scope.at)[0]


def _stored_value(scope: Scope, history: History, key: MetricKey) -> Decimal:
    return history.stored_value(scope.at)


def _attribute(scope: Scope, history: History, key: MetricKey) -> Decimal:
    return numeric(history.attributes(scope.at).get(key[2] or ""))


def _network_points(scope: Scope, history: History, key: MetricKey) -> Decimal:
    return Decimal(history.network_points(scope.at))


def _deposit(scope: Scope, history: History, key: MetricKey) -> Decimal:
    return ZERO  # the amount of one deposit: measured on that deposit (services/stored_value)


ReceiptMeasureFn = Callable[[Scope, Spend, MetricKey], Decimal]
MeasureFn = Callable[[Scope, History, MetricKey], Decimal]

# The metrics a receipt moves, measured from receipts alone: the till measures these.
ON_RECEIPT: dict[Metric, ReceiptMeasureFn] = {
    Metric.CUMULATIVE_SPEND: _cumulative_spend,
    Metric.ANNUAL_SPEND: _annual_spend,
    Metric.MEMBERSHIP_YEAR_SPEND: _membership_year_spend,
    Metric.WINDOW_SPEND: _window_spend,
    Metric.WINDOW_ORDERS: _window_orders,
    Metric.SINGLE_RECEIPT: _single_receipt,
    Metric.CUMULATIVE_POINTS: _cumulative_points,
}

MEASURES: dict[Metric, MeasureFn] = {
    **ON_RECEIPT,
    Metric.TIER_YEAR_SPEND: _tier_year_spend,
    Metric.PREVIOUS_YEAR_SPEND: _previous_year_spend,
    Metric.STORED_VALUE: _stored_value,
    Metric.DEPOSIT: _deposit,
    Metric.ATTRIBUTE: _attribute,
    Metric.NETWORK_POINTS: _network_points,
}


def measure(keys: Iterable[MetricKey], scope: Scope, history: History) -> dict[MetricKey, Decimal]:
    """Every metric in `keys` as the scope sees it."""
    return {k: MEASURES[k[0]](scope, history, k) for k in keys}


def measure_receipt(
    keys: Iterable[MetricKey], scope: Scope, history: Spend
) -> dict[MetricKey, Decimal]:
    """The metrics a receipt moves among `keys`, the receipt counted in (others are not
    measured on a receipt: they stay absent)."""
    return {k: ON_RECEIPT[k[0]](scope, history, k) for k in keys if k[0] in ON_RECEIPT}
