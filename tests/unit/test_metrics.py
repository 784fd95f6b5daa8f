"""The tier metric table (domain/metrics.py), against a history held in memory.

A receipt at the till counts everything on record in the period (`Until.PERIOD_END`), itself
included; a review counts what is dated up to its moment (`Until.MOMENT`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from huiyuan.domain.metrics import MEASURES, ON_RECEIPT, Scope, Until, measure, measure_receipt
from huiyuan.domain.program import Metric
from huiyuan.domain.tiers import MetricKey

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


class History:
    """Receipts (moment, paid) and a few other facts, as the services would read them."""

    def __init__(self, receipts: list[tuple[str, str]], **facts: Any):
        self.receipts = [(at(when), Decimal(paid)) for when, paid in receipts]
        self.facts = facts

    def spend(self, since: datetime | None, until: datetime | None) -> tuple[Decimal, int]:
        inside = [
            paid
            for when, paid in self.receipts
            if (since is None or when >= since) and (until is None or when < until)
        ]
        return sum(inside, Decimal(0)), len(inside)

    def stored_value(self, at: datetime) -> Decimal:
        return Decimal(self.facts.get("stored_value", "0"))

    def attributes(self, at: datetime) -> Mapping[str, Any]:
        return dict(self.facts.get("attributes", {}))

    def network_points(self, at: datetime) -> int:
        return int(self.facts.get("network_points", 0))


HISTORY = History(
    [
        ("2025-12-31 23:00", "100.00"),  # last year
        ("2026-03-01 10:00", "200.00"),
        ("2026-06-01 10:00", "400.00"),  # the moment measured below
        ("2026-06-01 10:00:01", "800.00"),  # a second later
        ("2026-11-30 10:00", "1600.00"),  # later in the year
        ("2027-01-02 10:00", "3200.00"),  # next year
    ]
)
SPEND_KEYS: list[MetricKey] = [
    (Metric.CUMULATIVE_SPEND, None, None),
    (Metric.ANNUAL_SPEND, None, None),
    (Metric.MEMBERSHIP_YEAR_SPEND, None, None),
    (Metric.WINDOW_SPEND, 30, None),
    (Metric.WINDOW_ORDERS, 30, None),
]


def scope(until: Until = Until.MOMENT, **kw: Any) -> Scope:
    fields: dict[str, Any] = {
        "at": at("2026-06-01 10:00"),
        "tz": TZ,
        "joined_at": at("2025-01-01 09:00"),
        "valid_until": None,
        "validity_months": None,
        "points_earned_total": 70,
        "until": until,
        **kw,
    }
    return Scope(**fields)


def test_every_metric_has_one_measure():
    assert set(MEASURES) == set(Metric)
    assert set(ON_RECEIPT) <= set(MEASURES)


def test_a_review_counts_up_to_and_including_its_moment():
    values = measure(SPEND_KEYS, scope(), HISTORY)
    assert values == {
        (Metric.CUMULATIVE_SPEND, None, None): Decimal("700.00"),
        (Metric.ANNUAL_SPEND, None, None): Decimal("600.00"),
        (Metric.MEMBERSHIP_YEAR_SPEND, None, None): Decimal("700.00"),
        (Metric.WINDOW_SPEND, 30, None): Decimal("400.00"),
        (Metric.WINDOW_ORDERS, 30, None): Decimal(1),
    }


def test_a_receipt_counts_everything_on_record_in_the_period_and_itself():
    till = scope(Until.PERIOD_END, paid=Decimal("50.00"), points=50, orders=1)
    values = measure_receipt([*SPEND_KEYS, (Metric.SINGLE_RECEIPT, None, None)], till, HISTORY)
    assert values == {
        # Receipts dated after it count (those of next year too: cumulative has no period) ...
        (Metric.CUMULATIVE_SPEND, None, None): Decimal("6350.00"),
        # ... up to the end of its calendar year ...
        (Metric.ANNUAL_SPEND, None, None): Decimal("3050.00"),
        (Metric.MEMBERSHIP_YEAR_SPEND, None, None): Decimal("6350.00"),
        # ... but a trailing window ends at the receipt either way.
        (Metric.WINDOW_SPEND, 30, None): Decimal("450.00"),
        (Metric.WINDOW_ORDERS, 30, None): Decimal(2),
        (Metric.SINGLE_RECEIPT, None, None): Decimal("50.00"),
    }


def test_the_membership_year_starts_after_the_latest_renewal():
    # valid until 2027-02-28, 12-month terms: the year runs from 2026-03-01.
    renewed = scope(valid_until=date(2027, 2, 28), validity_months=12)
    key: MetricKey = (Metric.MEMBERSHIP_YEAR_SPEND, None, None)
    assert measure([key], renewed, HISTORY)[key] == Decimal("600.00")
    # Never before joining.
    late = scope(valid_until=date(2027, 2, 28), validity_months=12, joined_at=at("2026-05-01"))
    assert measure([key], late, HISTORY)[key] == Decimal("400.00")


def test_review_period_metrics_end_at_the_moment_exclusive():
    keys: list[MetricKey] = [
        (Metric.TIER_YEAR_SPEND, None, None),
        (Metric.PREVIOUS_YEAR_SPEND, None, None),
    ]
    values = measure(keys, scope(period_start=at("2026-03-01 10:00")), HISTORY)
    assert values == {keys[0]: Decimal("200.00"), keys[1]: Decimal("300.00")}
    # Without a period start the tier year runs from joining.
    assert measure(keys[:1], scope(), HISTORY)[keys[0]] == Decimal("300.00")


def test_points_attributes_stored_value_and_network():
    history = History(
        [],
        stored_value="20000.00",
        attributes={"shares": 1500, "flag": True, "note": "many"},
        network_points=680,
    )
    keys: list[MetricKey] = [
        (Metric.CUMULATIVE_POINTS, None, None),
        (Metric.STORED_VALUE, None, None),
        (Metric.ATTRIBUTE, None, "shares"),
        (Metric.ATTRIBUTE, None, "flag"),
        (Metric.ATTRIBUTE, None, "note"),
        (Metric.ATTRIBUTE, None, "missing"),
        (Metric.NETWORK_POINTS, None, None),
        (Metric.DEPOSIT, None, None),
        (Metric.SINGLE_RECEIPT, None, None),
    ]
    assert list(measure(keys, scope(), history).values()) == [
        Decimal(70),
        Decimal("20000.00"),
        Decimal(1500),
        Decimal(0),
        Decimal(0),
        Decimal(0),
        Decimal(680),
        Decimal(0),
        Decimal(0),
    ]
    # A receipt measures only what receipts move; it adds its own points.
    till = scope(Until.PERIOD_END, points=30)
    assert measure_receipt(keys, till, history) == {
        (Metric.CUMULATIVE_POINTS, None, None): Decimal(100),
        (Metric.SINGLE_RECEIPT, None, None): Decimal(0),
    }


def test_a_window_is_read_once_for_its_spend_and_orders():
    reads: list[tuple[datetime | None, datetime | None]] = []

    class Counting(History):
        def spend(self, since: datetime | None, until: datetime | None) -> tuple[Decimal, int]:
            reads.append((since, until))
            return super().spend(since, until)

    keys: list[MetricKey] = [(Metric.WINDOW_SPEND, 30, None), (Metric.WINDOW_ORDERS, 30, None)]
    measure(keys, scope(), Counting([]))
    # Both measures ask the same window; the services' histories answer the second from memory.
    assert (
        reads[0]
        == reads[1]
        == (at("2026-05-02 10:00"), at("2026-06-01 10:00") + timedelta(microseconds=1))
    )
