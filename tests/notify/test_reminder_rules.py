"""The reminder rules alone (domain/reminders.py): what a run looks for, among whom, and what
each member is due, decided from facts without a database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from huiyuan.domain.program import Metric, Window
from huiyuan.domain.reminders import (
    Candidates,
    UpgradeTarget,
    best_upgrade,
    expiry_reminders,
    plan_reminders,
)
from huiyuan.domain.rewards import in_window
from huiyuan.presets.loader import load_preset

QUARTERS = (Window(months=(3, 6, 9, 12), last_days=7),)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_window_a_reminder_announces():
    assert in_window(QUARTERS, date(2026, 3, 25)) == (date(2026, 3, 25), date(2026, 3, 31))
    assert in_window(QUARTERS, date(2026, 3, 31)) == (date(2026, 3, 25), date(2026, 3, 31))
    assert in_window(QUARTERS, date(2026, 3, 24)) is None
    assert in_window(QUARTERS, date(2026, 4, 30)) is None
    # June has 30 days: the last 7 are the 24th to the 30th.
    assert in_window(QUARTERS, date(2026, 6, 24)) == (date(2026, 6, 24), date(2026, 6, 30))
    # A window longer than its month is the whole month.
    february = (Window(months=(2,), last_days=31),)
    assert in_window(february, date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    # No windows: redemption is always open, and no window opens to announce.
    assert in_window((), date(2026, 3, 25)) is None  # no window to announce


def test_a_run_looks_only_for_what_the_program_reminds_of_today():
    sales = load_preset("sales_points")  # expiry 30, 7, 1 days; balances on the 8th
    plan = plan_reminders(sales, at("2026-12-02T09:00:00+08:00"))
    assert plan.horizon == at("2027-01-01T09:00:00+08:00")
    assert plan.candidates() == Candidates(expiring=(plan.as_of, plan.horizon))
    on_the_8th = plan_reminders(sales, at("2026-12-08T09:00:00+08:00")).candidates()
    assert on_the_8th.everyone
    market = load_preset("supermarket")  # windows for members holding 1500 points
    assert not plan_reminders(market, at("2026-03-24T09:00:00+08:00")).candidates()
    in_march = plan_reminders(market, at("2026-03-25T09:00:00+08:00"))
    assert in_march.candidates() == Candidates(points_at_least=1500)


def test_a_missed_day_sends_the_smallest_offset_reached_once_per_expiry():
    plan = plan_reminders(load_preset("sales_points"), at("2026-12-26T09:00:00+08:00"))
    expiring = [
        (at("2027-01-01T00:00:00+08:00"), 3),
        (at("2027-02-01T00:00:00+08:00"), 5),  # beyond the 30 days
        (at("2026-12-20T00:00:00+08:00"), 4),  # gone already
    ]
    [due] = expiry_reminders(plan, expiring)
    assert due.key == "expiry:2027-01-01:7"
    assert due.params == {"points": 3, "last_day": "2026-12-31", "days": 6, "offset": 7}


def test_the_highest_tier_reached_above_the_members_is_the_upgrade_offered():
    points, spend = Metric.CUMULATIVE_POINTS, Metric.CUMULATIVE_SPEND
    targets = (
        UpgradeTarget(1, "gold", points, Decimal(5000), Decimal("50.00")),
        UpgradeTarget(1, "gold", spend, Decimal("8000.00"), Decimal("50.00")),
        UpgradeTarget(2, "diamond", points, Decimal(10000), Decimal("100.00")),
    )
    assert best_upgrade(targets, 0, 4999, None) is None
    # On points first when both reach one tier; the spend is not read when not needed.
    assert best_upgrade(targets, 0, 5000, Decimal("9000.00")) == (targets[0], Decimal(5000))
    assert best_upgrade(targets, 0, 100, Decimal("9000.00")) == (targets[1], Decimal("9000.00"))
    assert best_upgrade(targets, 0, 12000, None) == (targets[2], Decimal(12000))
    assert best_upgrade(targets, 1, 9000, Decimal("9000.00")) is None  # already gold
