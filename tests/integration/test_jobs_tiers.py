"""The tier and lifecycle jobs are idempotent for a moment, and the history explains every tier
change.

Each scenario runs a job as of a moment, then again — once answered from the run's record, and
once more with that record deleted, so the job really works through every member a second time
(as a run resumed after a crash would) — and checks that nothing in the database moved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from huiyuan.store.schema import (
    job_runs,
    ledger_entries,
    member_history,
    members,
    stored_value_entries,
)
from tests.schemes.lifecycle_kit import (
    assert_history_explains,
    buy,
    enroll,
    history,
    job,
    line,
    verify_clean,
)


def snapshot(api: Any) -> tuple[Any, ...]:
    with api.ctx.engine.connect() as conn:
        rows = conn.execute(
            select(
                members.c.member_id,
                members.c.tier,
                members.c.customer_class,
                members.c.points,
                members.c.stored_value,
            ).order_by(members.c.member_id)
        ).all()
        counts = tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (member_history, ledger_entries, stored_value_entries)
        )
    return tuple(tuple(r) for r in rows), counts


def twice(api: Any, name: str, as_of: str) -> dict:
    """Runs a job, then again (answered from its record), then again from scratch."""
    first = job(api, name, as_of)
    before = snapshot(api)
    again = job(api, name, as_of)
    assert again["repeated"] is True
    assert {k: v for k, v in again.items() if k != "repeated"} == {
        k: v for k, v in first.items() if k != "repeated"
    }
    with api.ctx.engine.begin() as conn:
        conn.execute(delete(job_runs).where(job_runs.c.job == name))
    fresh = job(api, name, as_of)
    assert fresh["repeated"] is False
    assert fresh.get("changed", 0) == 0, fresh
    assert fresh.get("kept", 0) == 0, fresh
    assert fresh.get("points", 0) == 0, fresh
    assert fresh.get("rewards", "0.00") == "0.00", fresh
    assert snapshot(api) == before
    return first


def test_online_shop_daily_review_twice(make_api):
    api = make_api("online_shop")
    a, b, c = enroll(api), enroll(api), enroll(api)
    buy(api, a, "A-1", "2026-01-10T10:00:00+08:00", line(1, "5000.00"))  # 银牌
    buy(api, b, "B-1", "2026-01-10T10:00:00+08:00", line(1, "2000.00"))  # 铜牌
    buy(api, b, "B-2", "2026-09-10T10:00:00+08:00", line(1, "100.00"))
    buy(api, c, "C-1", "2026-06-10T10:00:00+08:00", line(1, "20000.00"))  # 金牌
    # 2027-01-11: A's and B's January receipts are out: A → 普通, B → 普通 (95.00 left).
    done = twice(api, "evaluate_tiers", "2027-01-11T00:00:00+08:00")
    assert (done["changed"], done["moves"]) == (2, {"bronze->regular": 1, "silver->regular": 1})
    for mid in (a, b, c):
        assert_history_explains(api, mid, "regular")


def test_liquor_card_year_twice(make_api):
    api = make_api("liquor")
    kept, lost = (enroll(api, fee_paid="20.00") for _ in range(2))
    # Promotion lines: paid = list. 10000.00 wins 金卡; then 40000.01 (kept: 50000.01 in the
    # card year) or 39999.99 (lost: 49999.99), in receipts below 20000.00 (no 铂金卡).
    for mid, last in ((kept, "0.03"), (lost, "0.01")):
        buy(
            api,
            mid,
            f"W-{mid}",
            "2026-03-28T10:00:00+08:00",
            line(1, "10000.00", flags=["promotion"]),
        )
        for i, part in enumerate(("19999.99", "19999.99", last)):
            buy(
                api,
                mid,
                f"S-{mid}-{i}",
                "2026-10-01T10:00:00+08:00",
                line(1, part, flags=["promotion"]),
            )
    # Two card years pass by the time the job runs: the kept card is kept for 2027 and then lost
    # at the end of the second year; the other is lost at the first anniversary.
    done = twice(api, "evaluate_tiers", "2028-06-01T00:00:00+08:00")
    assert (done["changed"], done["kept"]) == (2, 1)
    assert [h["occurred_at"] for h in history(api, kept, "tier_kept")] == [
        "2027-03-28T00:00:00+08:00"
    ]
    assert history(api, kept, "tier_changed")[-1]["occurred_at"] == "2028-03-28T00:00:00+08:00"
    assert history(api, lost, "tier_changed")[-1]["occurred_at"] == "2027-03-28T00:00:00+08:00"
    for mid in (kept, lost):
        assert_history_explains(api, mid, "regular")


def test_guide_store_jan_1_twice(make_api):
    api = make_api("guide_store")
    mids = [enroll(api, birthday="--05-17") for _ in range(3)]
    for mid, amount in zip(mids, ("30000.00", "10000.00", "1999.99"), strict=True):
        buy(api, mid, f"R-{mid}", "2026-02-01T10:00:00+08:00", line(1, amount))
    # On 2027-01-01 each kept its tier (2026 spend met it); 2027 had none → one step each.
    assert twice(api, "evaluate_tiers", "2027-01-01T00:00:00+08:00")["kept"] == 2
    done = twice(api, "evaluate_tiers", "2028-01-01T00:00:00+08:00")
    assert done["moves"] == {"diamond->gold": 1, "gold->silver": 1}
    for mid in mids:
        assert_history_explains(api, mid, "regular")


def test_bank_referral_monthly_jobs_twice(make_api):
    api = make_api("bank_referral")
    a = enroll(api, joined_at="2025-12-01T10:00:00+08:00")
    b = enroll(api, joined_at="2025-12-01T10:00:00+08:00", referrer_id=a)
    for mid, amount in ((a, "1200000.00"), (b, "100000.00")):
        r = api.post(
            f"/members/{mid}/deposits",
            {
                "deposit_no": f"D-{mid}",
                "amount": amount,
                "occurred_at": "2025-12-31T10:00:00+08:00",
            },
        )
        assert r.status_code == 201
    for day in ("2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"):
        for name in ("accrue_deposits", "evaluate_tiers", "settle_referrals"):
            twice(api, name, f"{day}T00:00:00+08:00")
    # A: VIP1 from Mar 1; March reward on B's 100000.00 at 0.4% = 400.00.
    assert history(api, a, "tier_changed")[0]["detail"]["to"] == "vip1"
    assert api.get(f"/members/{a}").json()["stored_value"] == "1200400.00"
    verify_clean(api)


def test_classes_twice(make_api):
    api = make_api("alliance")
    mid = enroll(api, id_number="11010519491231002X", qualifying_spend="200.00")
    buy(api, mid, "R-1", "2026-03-01T10:00:00+08:00", line(1, "6000.00"))
    twice(api, "classify_customers", "2026-12-01T00:00:00+08:00")
    assert history(api, mid, "class_changed")[0]["detail"]["to"] == "B"  # 5700.00 paid
