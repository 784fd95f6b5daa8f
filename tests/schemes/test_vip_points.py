"""vip_points — VIP会员管理制度及积分兑换方案 (SCHEMES.md §8, seed 003), through the HTTP API.

Tiers by cumulative paid spend: 普通, 银卡 1000.00, 金卡 5000.00, 白金卡 20000.00; 5% / 10% /
15% / 20% off; N points per full 100.00 of the receipt's paid total: 1 (普通, 银卡), 2 (金卡),
3 (白金卡); points expire 1 year after earning.
"""

from __future__ import annotations

from typing import Any

from .kit import buy

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"
BELOW_STEP = "不足一个积分单位的金额不积分 / the amount below one step earns nothing"


def enroll(api: Any, phone: str = "13800138000", **fields: Any) -> str:
    body = {"name": "陈静", "phone": phone, "joined_at": JOINED, **fields}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    return r.json()["member_id"]


def line(no: int, list_price: str, qty: str = "1", **kw: Any) -> dict:
    return {
        "line_no": no,
        "sku": f"SKU{no}",
        "category": "daily",
        "qty": qty,
        "list_price": list_price,
        **kw,
    }


def test_full_100_steps_of_the_receipt_after_the_5_percent_discount(make_api):
    api = make_api("vip_points")
    mid = enroll(api)
    # 105.26 × 5% = 5.263 → 5.26 off → paid 100.00: one full step → 1 point.
    r = buy(api, mid, "V-1", SOLD, [line(1, "105.26")])
    assert r["totals"]["paid"] == "100.00"
    assert r["points_earned"] == 1
    # 105.25 × 5% = 5.2625 → 5.26 off → paid 99.99: one fen short → 0, with the reason.
    r = buy(api, mid, "V-2", SOLD, [line(1, "105.25")])
    assert r["totals"]["paid"] == "99.99"
    assert r["points_earned"] == 0
    assert BELOW_STEP in r["lines"][0]["notes"]
    # Steps count on the receipt total, not per line: 150.00 → 142.50 and 60.00 → 57.00;
    # 199.50 → 1 point (per line it would be 1 + 0). The point goes to the line with the larger
    # share: 1 × 142.50/199.50 = 0.71 vs 0.29 → line 1.
    r = buy(api, mid, "V-3", SOLD, [line(1, "150.00"), line(2, "60.00")])
    assert [li["paid"] for li in r["lines"]] == ["142.50", "57.00"]
    assert [li["points"] for li in r["lines"]] == [1, 0]
    # Two lines of 105.26 → 100.00 + 100.00 = 200.00 → 2 points; the remainder is never carried
    # (the 99.99 of V-2 is gone).
    r = buy(api, mid, "V-4", SOLD, [line(1, "105.26"), line(2, "105.26")])
    assert r["points_earned"] == 2
    assert r["balance"] == 4  # 1 + 0 + 1 + 2


def test_a_single_receipt_can_lift_straight_to_gold_then_15_percent_and_2_per_100(make_api):
    api = make_api("vip_points")
    mid = enroll(api)
    # 5263.16 × 5% = 263.158 → 263.16 off → paid 5000.00 → cumulative 5000.00 → 金卡; this receipt
    # still at 普通: floor(5000.00 / 100) × 1 = 50 points.
    r = buy(api, mid, "V-G1", SOLD, [line(1, "5263.16")])
    assert r["totals"]["paid"] == "5000.00"
    assert r["points_earned"] == 50
    assert r["tier_changed"] == {"from": "regular", "to": "gold"}
    # 金卡: 1000.00 × 15% = 150.00 off → 850.00 → floor(8.5) × 2 = 16 points.
    r = buy(api, mid, "V-G2", "2026-03-29T10:00:00+08:00", [line(1, "1000.00")])
    assert r["totals"]["member_discount"] == "150.00"
    assert r["points_earned"] == 16


def test_platinum_20_percent_and_3_per_100(make_api):
    api = make_api("vip_points")
    mid = enroll(api)
    # 21052.63 × 5% = 1052.6315 → 1052.63 off → paid 20000.00 → 白金卡; 200 points at 普通.
    r = buy(api, mid, "V-P1", SOLD, [line(1, "21052.63")])
    assert r["totals"]["paid"] == "20000.00"
    assert r["points_earned"] == 200
    assert r["tier_changed"] == {"from": "regular", "to": "platinum"}
    # 白金卡: 1000.00 × 20% = 200.00 off → 800.00 → 8 × 3 = 24 points.
    r = buy(api, mid, "V-P2", "2026-03-29T10:00:00+08:00", [line(1, "1000.00")])
    assert r["totals"]["paid"] == "800.00"
    assert r["points_earned"] == 24


def test_one_fen_short_of_silver_stays_regular(make_api):
    api = make_api("vip_points")
    mid = enroll(api)
    # 1052.62 × 5% = 52.631 → 52.63 off → paid 999.99: below 1000.00 → no 银卡; 9 points.
    r = buy(api, mid, "V-S0", SOLD, [line(1, "1052.62")])
    assert r["totals"]["paid"] == "999.99"
    assert r["points_earned"] == 9
    assert r["tier_changed"] is None


def test_silver_from_cumulative_spend_over_several_receipts(make_api):
    api = make_api("vip_points")
    mid = enroll(api)
    # 1052.62 → paid 999.99 (cumulative 999.99), then 0.01 → 0.00 off → cumulative 1000.00 → 银卡.
    buy(api, mid, "V-S1", SOLD, [line(1, "1052.62")])
    r = buy(api, mid, "V-S2", "2026-03-29T10:00:00+08:00", [line(1, "0.01")])
    assert r["tier_changed"] == {"from": "regular", "to": "silver"}
    # 银卡: 1000.00 × 10% = 100.00 off → 900.00 → 9 points.
    r = buy(api, mid, "V-S3", "2026-03-30T10:00:00+08:00", [line(1, "1000.00")])
    assert r["totals"]["paid"] == "900.00"
    assert r["points_earned"] == 9


def test_return_claws_back_the_lines_share_of_the_steps(make_api):
    api = make_api("vip_points")
    mid = enroll(api)
    # Line 1: 2 × 200.00 = 400.00 − 20.00 = 380.00; line 2: 100.00 − 5.00 = 95.00.
    # Base 475.00 → 4 points, spread 4 × 380/475 = 3.2 and 4 × 95/475 = 0.8: floors 3 and 0, the
    # missing point to the larger remainder (0.8) → 3 and 1.
    r = buy(api, mid, "V-R", SOLD, [line(1, "200.00", qty="2"), line(2, "100.00")])
    assert [li["points"] for li in r["lines"]] == [3, 1]
    at = "2026-03-30T10:00:00+08:00"
    back = api.post(
        "/purchases/V-R/returns",
        {"return_no": "VR-1", "occurred_at": at, "lines": [{"line_no": 2, "qty": "1"}]},
    )
    assert back.status_code == 201, back.text
    assert (back.json()["points_reversed"], back.json()["balance"]) == (1, 3)
    back = api.post(
        "/purchases/V-R/returns",
        {"return_no": "VR-2", "occurred_at": at, "lines": [{"line_no": 1, "qty": "1"}]},
    )
    # floor(3 × 1/2) = 1 back.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (1, 2)
    back = api.post(
        "/purchases/V-R/returns",
        {"return_no": "VR-3", "occurred_at": at, "lines": [{"line_no": 1, "qty": "1"}]},
    )
    # floor(3 × 2/2) − 1 = 2 back; nothing left.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (2, 0)


def test_points_expire_one_year_after_earning(make_api):
    api = make_api("vip_points")
    mid = enroll(api)
    buy(api, mid, "V-E1", SOLD, [line(1, "210.53")])  # 210.53 − 10.53 = 200.00 → 2 points
    r = api.get(f"/members/{mid}/balance", params={"as_of": "2027-03-27T23:59:59+08:00"})
    assert r.json()["points"] == 2
    assert r.json()["expiring"] == [{"expires_at": "2027-03-28T00:00:00+08:00", "points": 2}]
    r = api.get(f"/members/{mid}/balance", params={"as_of": "2027-03-28T00:00:00+08:00"})
    assert r.json()["points"] == 0
