"""bank_referral lifecycle (SCHEMES.md §11): deposits and withdrawals (stored value), deposit
points by the accrue_deposits job (10 per full 100000.00 of the lowest balance held in each
calendar month, credited on the 1st for the month before), levels from own + direct referrals'
points (VIP1 120 / VIP2 680 / VIP3 1920; a client counts only with own points ≥ 120 and an active
deposit; measured on the 1st, an upgrade effective the next 1st) and the monthly referral reward
(VIP1 0.4% / VIP2 0.6% / VIP3 0.7% of each referred client's monthly deposit, capped at
400000.00), credited to the referrer's stored value by settle_referrals.

Jobs run on each 1st in the order accrue_deposits → evaluate_tiers → settle_referrals (the
scheduler's default times).
"""

from __future__ import annotations

from typing import Any

from .lifecycle_kit import (
    assert_history_explains,
    enroll,
    history,
    job,
    line,
    member,
    tier,
    tier_moves,
    verify_clean,
)

JOINED = "2025-12-01T10:00:00+08:00"


def client(api: Any, **kw: Any) -> str:
    return enroll(api, joined_at=JOINED, **kw)


def deposit(api: Any, mid: str, no: str, amount: str, at: str) -> dict:
    r = api.post(
        f"/members/{mid}/deposits", {"deposit_no": no, "amount": amount, "occurred_at": at}
    )
    assert r.status_code == 201, r.text
    return r.json()


def withdraw(api: Any, mid: str, no: str, amount: str, at: str) -> Any:
    return api.post(
        f"/members/{mid}/withdrawals", {"withdrawal_no": no, "amount": amount, "occurred_at": at}
    )


def first_of_month(api: Any, day: str) -> None:
    """The 1st as the scheduler runs it: accrue_deposits 00:15, evaluate_tiers 00:20 (levels
    measured over the 1st, so the points credited at 00:15 count, and dated 00:00),
    settle_referrals 00:30."""
    for name, at in (
        ("accrue_deposits", "00:15"),
        ("evaluate_tiers", "00:20"),
        ("settle_referrals", "00:30"),
    ):
        job(api, name, f"{day}T{at}:00+08:00")


def points(api: Any, mid: str) -> int:
    return int(member(api, mid)["points"])


def test_300000_from_dec_31_through_march_is_90_points_by_apr_1(make_api):
    api = make_api("bank_referral")
    a = client(api)
    r = deposit(api, a, "D-1", "300000.00", "2025-12-31T10:00:00+08:00")
    assert (r["rebate"], r["stored_value"]) == ("0.00", "300000.00")
    # December's lowest balance is 0.00 (before the deposit on the 31st): nothing on Jan 1.
    assert job(api, "accrue_deposits", "2026-01-01T00:00:00+08:00")["points"] == 0
    # Jan, Feb, Mar: 300000.00 held → floor(3) × 10 = 30 each.
    for day, total in (("2026-02-01", 30), ("2026-03-01", 60), ("2026-04-01", 90)):
        job(api, "accrue_deposits", f"{day}T00:00:00+08:00")
        assert points(api, a) == total
    # Withdrawing 100000.00 on Apr 1 leaves 200000.00: April's lowest → 20 points on May 1.
    r = withdraw(api, a, "W-1", "100000.00", "2026-04-01T10:00:00+08:00")
    assert r.status_code == 201 and r.json()["stored_value"] == "200000.00"
    job(api, "accrue_deposits", "2026-05-01T00:00:00+08:00")
    assert points(api, a) == 110
    entries = api.get(f"/members/{a}/ledger").json()["items"]
    assert [(e["ref"], e["points"]) for e in entries] == [
        ("accrual:2026-04", 20),
        ("accrual:2026-03", 30),
        ("accrual:2026-02", 30),
        ("accrual:2026-01", 30),
    ]
    assert entries[0]["occurred_at"] == "2026-05-01T00:00:00+08:00"  # the job's as_of
    # Again, as of the same moment or later in May: nothing more.
    assert job(api, "accrue_deposits", "2026-05-01T00:00:00+08:00")["repeated"] is True
    assert job(api, "accrue_deposits", "2026-05-20T00:00:00+08:00")["points"] == 0
    # More than the balance cannot be taken out; purchases are not paid from this account.
    r = withdraw(api, a, "W-2", "200000.01", "2026-05-21T10:00:00+08:00")
    assert r.status_code == 422 and r.json()["code"] == "insufficient_funds"
    r = api.post(
        "/purchases/quote",
        {
            "receipt_no": "P-1",
            "member_id": a,
            "pay_with_stored_value": True,
            "occurred_at": "2026-05-21T10:00:00+08:00",
            "lines": [line(1, "10.00")],
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "stored_value_not_offered"
    verify_clean(api)


def test_a_late_run_credits_every_month_missed(make_api):
    api = make_api("bank_referral")
    a = client(api)
    deposit(api, a, "D-1", "399999.99", "2025-12-31T10:00:00+08:00")
    # Only run on Apr 1: Jan, Feb, Mar at floor(3.9999999) × 10 = 30 each → 90, dated Apr 1.
    assert job(api, "accrue_deposits", "2026-04-01T00:00:00+08:00")["points"] == 90


def test_levels_from_own_and_referred_points_with_a_month_delay(make_api):
    api = make_api("bank_referral")
    a = client(api)
    c = client(api, referrer_id=a)
    deposit(api, a, "D-A", "1200000.00", "2025-12-31T10:00:00+08:00")  # 120 points a month
    deposit(api, c, "D-C", "6000000.00", "2025-12-31T10:00:00+08:00")  # 600 points a month
    first_of_month(api, "2026-01-01")
    # Feb 1: A 120 + C 600 = 720 (≥ 680: VIP2), C 600 (VIP1) — measured, not yet in effect
    # (on Jan 1 neither had 120 of their own).
    first_of_month(api, "2026-02-01")
    assert (points(api, a), points(api, c)) == (120, 600)
    assert (tier(api, a), tier(api, c)) == ("client", "client")
    # Mar 1: measured again (A 240 + C 1200 = 1440 → VIP2; C 1200 → VIP1) and the levels met on
    # Feb 1 take effect.
    first_of_month(api, "2026-03-01")
    assert (tier(api, a), tier(api, c)) == ("vip2", "vip1")
    assert tier_moves(api, a) == [("client", "vip2", "review", "2026-03-01T00:00:00+08:00")]
    # C takes everything out on Mar 10: no active deposit, so C counts for nobody, itself
    # included. Apr 1: A 360 of its own → VIP1; C → 客户 (downgrades apply at once).
    assert withdraw(api, c, "W-C", "6000000.00", "2026-03-10T10:00:00+08:00").status_code == 201
    first_of_month(api, "2026-04-01")
    assert (points(api, a), points(api, c)) == (360, 1200)
    assert (tier(api, a), tier(api, c)) == ("vip1", "client")
    assert tier_moves(api, a)[-1] == (
        "vip2",
        "vip1",
        "review_downgrade",
        "2026-04-01T00:00:00+08:00",
    )
    # A run later in April measures as of Apr 1 again: nothing changes.
    assert job(api, "evaluate_tiers", "2026-04-15T00:00:00+08:00")["changed"] == 0
    for mid in (a, c):
        assert_history_explains(api, mid, "client")
    verify_clean(api)


def test_referral_reward_at_the_level_of_the_1st_capped_at_400000(make_api):
    api = make_api("bank_referral")
    a = client(api)
    b = client(api, referrer_id=a)
    deposit(api, a, "D-A", "1200000.00", "2025-12-31T10:00:00+08:00")
    deposit(api, b, "D-B1", "100000.00", "2026-02-15T10:00:00+08:00")
    deposit(api, b, "D-B2", "500000.00", "2026-03-31T10:00:00+08:00")
    for day in ("2026-01-01", "2026-02-01", "2026-03-01"):
        first_of_month(api, day)
    # A is VIP1 from Mar 1 (120 own points measured on Feb 1; B's 0 points do not count).
    assert tier(api, a) == "vip1"
    first_of_month(api, "2026-04-01")
    # February: A was 客户 on Feb 1 → nothing. March: B held at least 100000.00 (the 500000.00
    # came on the 31st) at VIP1 → 100000.00 × 0.4% = 400.00 to A's stored value.
    rewards = [
        e for e in api.get(f"/members/{a}/stored-value").json()["items"] if e["kind"] == "reward"
    ]
    assert [(e["amount"], e["ref"]) for e in rewards] == [("400.00", f"referral:2026-03:{b}")]
    assert member(api, a)["stored_value"] == "1200400.00"
    # April: B held 600000.00, capped at 400000.00 → 1600.00 at VIP1 (A still VIP1 on Apr 1).
    first_of_month(api, "2026-05-01")
    assert member(api, a)["stored_value"] == "1202000.00"
    assert job(api, "settle_referrals", "2026-05-15T00:00:00+08:00")["rewards"] == "0.00"
    assert history(api, b, "tier_changed") == []  # B never had 120 points of its own
    verify_clean(api)
