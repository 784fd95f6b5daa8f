"""`bank_referral` — 凯御 VIP奖励机制 (SCHEMES.md §11, seed 003 VIP奖励机制(客户)).

Driven through the HTTP API.

Configured: client enrolment with a direct referrer, and the level ladder 客户 / VIP1 / VIP2 /
VIP3 (every client starts as 客户). Everything that moves points or levels in this scheme is
pending (see the preset): deposit points (10 per full 100000.00 of the month's lowest balance,
accrue_deposits, issue 5), deposits and withdrawals (stored value, issue 5), levels from own +
direct referrals' points (VIP1 120 / VIP2 680 / VIP3 1920, fixed on the 1st, issue 5) and the
monthly referral reward 0.4% / 0.6% / 0.7% capped at 400000.00 (monthly settlement, issue 7).
These tests check what is configured, and that nothing else earns points meanwhile.
"""

from __future__ import annotations

from typing import Any

CODE = "bank_referral"
JOINED = "2026-01-05T10:00:00+08:00"
NOTE_NO_POINTS = "该商品不在积分范围内 / this item earns no points"


def enroll(api: Any, phone: str, **extra: Any) -> str:
    r = api.post("/members", {"name": "刘洋", "phone": phone, "joined_at": JOINED, **extra})
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "client"
    return str(r.json()["member_id"])


def test_levels_and_direct_referral_at_joining(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["client", "vip1", "vip2", "vip3"]
    referrer = enroll(api, "13100000001")
    client = enroll(api, "13100000002", referrer_id=referrer)
    for mid in (referrer, client):
        m = api.get(f"/members/{mid}").json()
        assert (m["status"], m["tier"], m["points"], m["stored_value"]) == (
            "active",
            "client",
            0,
            "0.00",
        )
    # A referrer must be a client of the program.
    r = api.post(
        "/members",
        {"name": "刘洋", "phone": "13100000003", "referrer_id": "MNOSUCH", "joined_at": JOINED},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "unknown_referrer"
    # The same phone twice is a conflict.
    r = api.post("/members", {"name": "刘洋", "phone": "13100000002", "joined_at": JOINED})
    assert r.status_code == 409


def test_nothing_but_deposits_earns_points(make_api):
    api = make_api(CODE)
    referrer = enroll(api, "13100000011")
    client = enroll(api, "13100000012", referrer_id=referrer)
    lines = [
        {"line_no": 1, "sku": "FEE", "category": "service", "qty": "1", "list_price": "300.00"}
    ]
    body = {
        "receipt_no": "B-1",
        "member_id": client,
        "occurred_at": "2026-03-28T10:15:00+08:00",
        "lines": lines,
    }
    q = api.post("/purchases/quote", body)
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    assert r.json() == q.json()
    # No purchase rule: 0 points, said on the line; the referrer gets no share either.
    assert r.json()["points_earned"] == 0
    assert r.json()["lines"][0]["notes"] == [NOTE_NO_POINTS]
    assert r.json()["tier_changed"] is None
    assert api.get(f"/members/{referrer}").json()["points"] == 0
