"""online_shop lifecycle (SCHEMES.md §5): tiers by spend or order count in the trailing 365
days, upgraded on the receipt and re-evaluated daily by evaluate_tiers, which drops a member
to the tier still met. 普通 has no discount, so paid = list until 铜牌 (95折)."""

from __future__ import annotations

from .lifecycle_kit import (
    assert_history_explains,
    buy,
    enroll,
    history,
    job,
    line,
    tier,
    tier_moves,
)


def test_upgrade_at_2000_and_drop_the_day_after_365_days(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    r = buy(api, mid, "O-1", "2026-03-01T10:00:00+08:00", line(1, "1999.99"))
    assert r["tier_changed"] is None
    # 1999.99 + 0.01 = 2000.00 within 365 days → 铜牌.
    r = buy(api, mid, "O-2", "2026-03-01T10:05:00+08:00", line(1, "0.01"))
    assert r["tier_changed"] == {"from": "regular", "to": "bronze"}
    # Daily runs: on 2027-03-01 00:00 the window [2026-03-01 00:00, 2027-03-01 00:00] still holds
    # both receipts; on 2027-03-02 00:00 it starts 2026-03-02 00:00 → 0.00 and 0 orders → 普通.
    assert job(api, "evaluate_tiers", "2027-03-01T00:00:00+08:00")["changed"] == 0
    assert tier(api, mid) == "bronze"
    assert job(api, "evaluate_tiers", "2027-03-02T00:00:00+08:00")["changed"] == 1
    assert tier_moves(api, mid)[-1] == (
        "bronze",
        "regular",
        "review_downgrade",
        "2027-03-02T00:00:00+08:00",
    )
    # Again as of the same moment, and as of a later one: nothing more.
    assert job(api, "evaluate_tiers", "2027-03-02T00:00:00+08:00")["repeated"] is True
    assert job(api, "evaluate_tiers", "2027-03-03T00:00:00+08:00")["changed"] == 0
    assert_history_explains(api, mid, "regular")


def test_the_365_days_across_feb_29(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    buy(api, mid, "L-1", "2027-03-01T10:00:00+08:00", line(1, "2000.00"))
    assert tier(api, mid) == "bronze"
    # 365 days before 2028-02-29 00:00 is 2027-03-01 00:00: still inside. 365 days before
    # 2028-03-01 00:00 is 2027-03-02 00:00: the receipt is out (a day before its anniversary).
    assert job(api, "evaluate_tiers", "2028-02-29T00:00:00+08:00")["changed"] == 0
    assert job(api, "evaluate_tiers", "2028-03-01T00:00:00+08:00")["changed"] == 1
    assert tier(api, mid) == "regular"


def test_drops_to_the_tier_still_met_by_orders(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    # 20 orders of 1.00 → 银牌 on the 20th (the 10th made it 铜牌). The first 10 on 2026-01-10,
    # the last 10 on 2026-06-10; 银牌 then pays 9折 (1.00 → 0.90).
    for i in range(1, 21):
        day = "2026-01-10" if i <= 10 else "2026-06-10"
        buy(api, mid, f"N-{i}", f"{day}T10:{i:02d}:00+08:00", line(1, "1.00"))
    assert tier(api, mid) == "silver"
    # 2027-01-11 00:00: only the June 10 remain → 10 orders → 铜牌 (not 普通).
    job(api, "evaluate_tiers", "2027-01-11T00:00:00+08:00")
    assert tier(api, mid) == "bronze"
    change = history(api, mid, "tier_changed")[-1]["detail"]
    assert change["metrics"]["window_orders (365 days)"] == "10"
    # 2027-06-11 00:00: nothing left in the window → 普通.
    job(api, "evaluate_tiers", "2027-06-11T00:00:00+08:00")
    assert [m[:2] for m in tier_moves(api, mid)] == [
        ("regular", "bronze"),
        ("bronze", "silver"),
        ("silver", "bronze"),
        ("bronze", "regular"),
    ]
    assert_history_explains(api, mid, "regular")
