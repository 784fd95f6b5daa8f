"""bank_referral expiry (SCHEMES.md §11): no expiry is given — deposit points never expire.

10 points per full 100000.00 of the lowest amount held in a calendar month, credited by the
`accrue_deposits` job for the months ended by its moment: 300000.00 held from 2025-12-31
through January → 3 × 10 = 30 points on 2026-02-01."""

from __future__ import annotations

from .expiry_kit import assert_never_expires, enroll, run_job


def test_deposit_points_never_expire(make_api):
    api = make_api("bank_referral")
    mid = enroll(api, {"name": "刘洋", "joined_at": "2025-12-30T10:00:00+08:00"})
    r = api.post(
        f"/members/{mid}/deposits",
        {"deposit_no": "D1", "amount": "300000.00", "occurred_at": "2025-12-31T10:00:00+08:00"},
    )
    assert r.status_code == 201, r.text
    assert run_job(api, "accrue_deposits", "2026-02-01T00:00:00+08:00")["points"] == 30
    assert_never_expires(api, mid, 30, "2026-02-01")
