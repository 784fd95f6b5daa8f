"""guide_store — 导购会员管理 + 商场会员等级 (SCHEMES.md §7, seed 002), through the HTTP API.

Name, mobile and birthday (month-day) are required. 1 point per 1.00 paid; tiers by paid spend
in the current calendar year: 银牌 2000.00 (1.2×), 金牌 10000.00 (1.5×), 钻石 30000.00 (2×);
the multiple applies to the exact value and the fraction is dropped once, last, per line.
"""

from __future__ import annotations

from typing import Any

from .kit import buy

JOINED = "2025-06-01T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"


def enroll(api: Any, phone: str = "13800138000", **fields: Any) -> str:
    body = {"name": "刘洋", "phone": phone, "birthday": "--05-17", "joined_at": JOINED, **fields}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    return r.json()["member_id"]


def line(no: int, list_price: str, qty: str = "1", **kw: Any) -> dict:
    return {
        "line_no": no,
        "sku": f"SKU{no}",
        "category": "apparel",
        "qty": qty,
        "list_price": list_price,
        **kw,
    }


def test_name_mobile_and_birthday_are_required(make_api):
    api = make_api("guide_store")
    r = api.post("/members", {"name": "刘洋", "phone": "13800138000", "joined_at": JOINED})
    assert r.status_code == 422
    assert r.json()["code"] == "missing_fields"
    assert "birthday" in r.json()["detail"]
    r = api.post("/members", {"name": "刘洋", "birthday": "--05-17", "joined_at": JOINED})
    assert r.status_code == 422
    assert r.json()["code"] == "missing_fields"
    # The month-day alone is enough; the opening guide is recorded.
    mid = enroll(api, guide_id="G01")
    member = api.get(f"/members/{mid}").json()
    assert member["guide_id"] == "G01"
    assert member["tier"] == "regular"


def test_base_points_one_per_yuan_rounded_down_per_line(make_api):
    api = make_api("guide_store")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "G-1",
        SOLD,
        [
            line(1, "99.99"),  # 99.99 → 99
            line(2, "33.33", qty="3"),  # 99.99 → 99
            line(3, "0.50"),  # 0.50 → 0
        ],
    )
    assert [li["points"] for li in r["lines"]] == [99, 99, 0]
    assert r["points_earned"] == 198
    assert r["totals"]["member_discount"] == "0.00"  # points multiples only, no discount
    assert r["totals"]["paid"] == "200.48"


def test_silver_on_the_receipt_reaching_2000_this_year_then_1_2x(make_api):
    api = make_api("guide_store")
    mid = enroll(api)
    # Last year's spend does not count for this year's tier.
    r = buy(api, mid, "G-S0", "2025-12-31T23:59:00+08:00", [line(1, "1500.00")])
    assert r["points_earned"] == 1500
    # 2026: 1999.99 → one fen short of 2000.00 in the calendar year.
    r = buy(api, mid, "G-S1", "2026-01-01T00:00:00+08:00", [line(1, "1999.99")])
    assert r["tier_changed"] is None
    assert r["points_earned"] == 1999
    # 0.01 more → 2000.00 in 2026 → 银牌, this receipt still at 1×: 0.01 → 0 points.
    r = buy(api, mid, "G-S2", "2026-01-02T10:00:00+08:00", [line(1, "0.01")])
    assert r["tier_changed"] == {"from": "regular", "to": "silver"}
    # Next receipt at 1.2×: 100.00 × 1.2 = 120; 99.99 × 1.2 = 119.988 → 119
    # (not floor(99.99) × 1.2 = 118.8 → 118).
    r = buy(api, mid, "G-S3", "2026-01-03T10:00:00+08:00", [line(1, "100.00"), line(2, "99.99")])
    assert r["tier"] == "silver"
    assert [li["points"] for li in r["lines"]] == [120, 119]
    # 10000.00 in 2026: 2000.00 + 199.99 + 7800.01 = 10000.00 → 金牌; this receipt at 1.2×:
    # 7800.01 × 1.2 = 9360.012 → 9360.
    r = buy(api, mid, "G-S4", "2026-02-01T10:00:00+08:00", [line(1, "7800.01")])
    assert r["points_earned"] == 9360
    assert r["tier_changed"] == {"from": "silver", "to": "gold"}
    # 1.5×: 33.33 × 1.5 = 49.995 → 49.
    r = buy(api, mid, "G-S5", "2026-02-02T10:00:00+08:00", [line(1, "33.33")])
    assert r["points_earned"] == 49
    # 30000.00 in 2026: 10033.33 + 19966.67 = 30000.00 → 钻石; at 1.5×: 29950.005 → 29950.
    r = buy(api, mid, "G-S6", "2026-03-01T10:00:00+08:00", [line(1, "19966.67")])
    assert r["points_earned"] == 29950
    assert r["tier_changed"] == {"from": "gold", "to": "diamond"}
    # 2×: 12.34 × 2 = 24.68 → 24.
    r = buy(api, mid, "G-S7", "2026-03-02T10:00:00+08:00", [line(1, "12.34")])
    assert r["points_earned"] == 24


def test_return_claws_back_exactly_the_multiplied_points(make_api):
    api = make_api("guide_store")
    mid = enroll(api)
    # The first receipt of the year, 2000.00 → 2000 points at 1×, reaches 银牌 by itself.
    r = buy(api, mid, "G-R0", SOLD, [line(1, "2000.00")])
    assert r["tier_changed"] == {"from": "regular", "to": "silver"}
    # At 1.2×: 3 × 33.33 = 99.99 × 1.2 = 119.988 → 119.
    r = buy(api, mid, "G-R1", "2026-03-29T10:00:00+08:00", [line(1, "33.33", qty="3")])
    assert r["points_earned"] == 119
    assert r["balance"] == 2119
    back = api.post(
        "/purchases/G-R1/returns",
        {
            "return_no": "GR-1",
            "occurred_at": "2026-03-30T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    # floor(119 × 1/3) = 39 back.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (39, 2080)


def test_a_receipt_entered_late_counts_its_whole_calendar_year(make_api):
    api = make_api("guide_store")
    mid = enroll(api)
    buy(api, mid, "G-L3", "2026-12-20T10:00:00+08:00", [line(1, "1500.00")])
    buy(api, mid, "G-L4", "2027-01-02T10:00:00+08:00", [line(1, "1999.99")])
    # Entered after December's receipt, dated in March: 2026 holds 1500.00 + 400.00 = 1900.00
    # (next year's 1999.99 does not count for 2026) → still regular.
    r = buy(api, mid, "G-L2", "2026-03-01T10:00:00+08:00", [line(1, "400.00")])
    assert r["tier_changed"] is None
    # Dated in February: 2026 holds 2000.00 → 银牌 on this receipt, though only 100.00 is
    # dated up to it.
    r = buy(api, mid, "G-L1", "2026-02-01T10:00:00+08:00", [line(1, "100.00")])
    assert r["tier_changed"] == {"from": "regular", "to": "silver"}
