"""`private_bank` — VIP管理制度 铂金/黄金/白银 (SCHEMES.md §17, seed 004), via the HTTP API.

Configured: 普通客户 on joining; by cumulative spend *more than* 100000.00 → 白银, 500000.00 → 黄金,
1000000.00 → 铂金 (money is in fen, so "more than X" is "at least X + 0.01"), on the qualifying
receipt; no discount and no points (the seed gives none).
Pending (see the preset): levels by shares held (attribute `shares`, issue 5), periodic
re-checks and downgrades (issue 5), named account managers (issue 8), priority service and
complaints first (issues 4 and 7).
"""

from __future__ import annotations

from typing import Any

import pytest

from .kit import quoted_purchase

CODE = "private_bank"
JOINED = "2026-01-05T10:00:00+08:00"
NOTE_NO_POINTS = "该商品不在积分范围内 / this item earns no points"


def enroll(api: Any, phone: str) -> str:
    r = api.post("/members", {"name": "郑毅", "phone": phone, "joined_at": JOINED})
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "client"
    return str(r.json()["member_id"])


def buy(api: Any, mid: str, receipt_no: str, at: str, amount: str) -> Any:
    """Quotes, commits and checks that the quote was the commit's answer."""
    lines = [{"line_no": 1, "sku": "WM-1", "category": "wealth", "qty": "1", "list_price": amount}]
    body = {"receipt_no": receipt_no, "member_id": mid, "occurred_at": at, "lines": lines}
    return quoted_purchase(api, body)


def test_levels_and_joining(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["client", "silver", "gold", "platinum"]
    mid = enroll(api, "13200000001")
    m = api.get(f"/members/{mid}").json()
    assert (m["status"], m["tier"], m["points"], m["attributes"]) == ("active", "client", 0, {})


@pytest.mark.parametrize(
    ("amount", "tier"),
    [
        ("100000.00", None),  # exactly 10万 is not "超过10万"
        ("100000.01", "silver"),
        ("500000.00", "silver"),  # exactly 50万: 白银 only
        ("500000.01", "gold"),
        ("1000000.00", "gold"),
        ("1000000.01", "platinum"),  # straight from 普通客户
    ],
)
def test_spend_levels_are_strictly_more_than(make_api, amount, tier):
    api = make_api(CODE)
    mid = enroll(api, "13200000011")
    r = buy(api, mid, "P-1", "2026-03-28T10:15:00+08:00", amount)
    # No discount and no points: the whole amount is paid and counts as spend.
    assert r["totals"]["paid"] == amount
    assert r["totals"]["member_discount"] == "0.00"
    assert r["points_earned"] == 0
    assert r["lines"][0]["notes"] == [NOTE_NO_POINTS]
    assert r["tier_changed"] == (None if tier is None else {"from": "client", "to": tier})
    assert api.get(f"/members/{mid}").json()["tier"] == (tier or "client")


def test_silver_reached_across_receipts(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13200000021")
    buy(api, mid, "P-1", "2026-03-28T10:15:00+08:00", "100000.00")
    # 100000.00 + 0.01 = 100000.01 > 100000.00 → 白银.
    r = buy(api, mid, "P-2", "2026-03-29T10:15:00+08:00", "0.01")
    assert r["tier_changed"] == {"from": "client", "to": "silver"}
