"""store_basic — 普通会员 / VIP会员 (SCHEMES.md §4, seed 001 第一篇), through the HTTP API.

普通 9折 (birthday 8折), VIP 8.5折 (birthday 7折); VIP once the paid spend in the membership
year reaches 5000.00; membership lasts one year from joining; no points at all.
"""

from __future__ import annotations

from typing import Any

from .kit import buy

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"
NO_POINTS = "本方案不设积分 / this programme has no points"
LAPSED = "会员资格已过期，按原价结算，请续会 / membership has lapsed: full price; please renew"


def enroll(api: Any, phone: str = "13800138000", **fields: Any) -> str:
    body = {"name": "王芳", "phone": phone, "joined_at": JOINED, **fields}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    assert r.json()["status"] == "active"
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


def test_membership_lasts_one_year(make_api):
    api = make_api("store_basic")
    mid = enroll(api)
    # Joined 2026-01-05 → valid through 2027-01-04.
    assert api.get(f"/members/{mid}").json()["valid_until"] == "2027-01-04"
    # The last valid day still gets 9折: 100.00 × 10% = 10.00 off.
    r = buy(api, mid, "S-L1", "2027-01-04T23:59:00+08:00", [line(1, "100.00")])
    assert r["totals"]["member_discount"] == "10.00"
    assert r["totals"]["paid"] == "90.00"
    # The next day the membership has lapsed: accepted at full price, with a note saying why.
    r = buy(api, mid, "S-L2", "2027-01-05T00:00:00+08:00", [line(1, "100.00")])
    assert r["totals"]["member_discount"] == "0.00"
    assert r["totals"]["paid"] == "100.00"
    assert LAPSED in r["lines"][0]["notes"]
    assert r["points_earned"] == 0


def test_normal_discount_rounding_and_no_points(make_api):
    api = make_api("store_basic")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "S-1",
        SOLD,
        [
            line(1, "200.00"),  # 200.00 × 10% = 20.00 off → 180.00
            line(2, "33.35"),  # 33.35 × 10% = 3.335 → 3.34 off (half up) → 30.01
            line(3, "12.50", qty="3"),  # 37.50 × 10% = 3.75 off → 33.75
        ],
    )
    assert [li["member_discount"] for li in r["lines"]] == ["20.00", "3.34", "3.75"]
    assert [li["paid"] for li in r["lines"]] == ["180.00", "30.01", "33.75"]
    assert r["totals"] == {
        "list": "270.85",  # 200.00 + 33.35 + 37.50
        "member_discount": "27.09",  # 20.00 + 3.34 + 3.75
        "points_offset": "0.00",
        "vouchers": "0.00",
        "paid": "243.76",  # 270.85 − 27.09
    }
    # No points in this scheme, and every line says so.
    assert r["points_earned"] == 0
    assert r["balance"] == 0
    assert all(NO_POINTS in li["notes"] for li in r["lines"])


def test_birthday_discount_feb29_in_a_common_year(make_api):
    api = make_api("store_basic")
    mid = enroll(api, birthday="1992-02-29")
    # 2026 is a common year: the birthday is Feb 28 → 8折: 200.00 × 20% = 40.00 off.
    r = buy(api, mid, "S-B1", "2026-02-28T12:00:00+08:00", [line(1, "200.00")])
    assert r["totals"]["member_discount"] == "40.00"
    assert r["totals"]["paid"] == "160.00"
    # Mar 1 is an ordinary day → 9折: 20.00 off.
    r = buy(api, mid, "S-B2", "2026-03-01T12:00:00+08:00", [line(1, "200.00")])
    assert r["totals"]["member_discount"] == "20.00"


def test_vip_from_the_receipt_that_reaches_5000_then_vip_prices(make_api):
    api = make_api("store_basic")
    mid = enroll(api, birthday="--06-18")
    # 5000.00 × 10% = 500.00 off → paid 4500.00 (year spend 4500.00)
    r = buy(api, mid, "S-V1", SOLD, [line(1, "5000.00")])
    assert r["totals"]["paid"] == "4500.00"
    assert r["tier_changed"] is None
    # 555.55 × 10% = 55.555 → 55.56 off → paid 499.99; year spend 4999.99: one fen short.
    r = buy(api, mid, "S-V2", "2026-04-01T10:00:00+08:00", [line(1, "555.55")])
    assert r["totals"]["paid"] == "499.99"
    assert r["tier_changed"] is None
    assert r["tier"] == "regular"
    # 0.01 × 10% = 0.001 → 0.00 off → paid 0.01; year spend 5000.00 → VIP. This receipt was
    # priced at 普通 (it started there).
    r = buy(api, mid, "S-V3", "2026-04-02T10:00:00+08:00", [line(1, "0.01")])
    assert r["tier_changed"] == {"from": "regular", "to": "vip"}
    assert r["tier"] == "vip"
    assert api.get(f"/members/{mid}").json()["tier"] == "vip"
    # Next receipt at VIP 8.5折: 100.00 × 15% = 15.00 off → 85.00.
    r = buy(api, mid, "S-V4", "2026-04-03T10:00:00+08:00", [line(1, "100.00")])
    assert r["totals"]["member_discount"] == "15.00"
    assert r["totals"]["paid"] == "85.00"
    assert r["tier_changed"] is None
    # VIP on the birthday (Jun 18): 7折 → 100.00 × 30% = 30.00 off.
    r = buy(api, mid, "S-V5", "2026-06-18T10:00:00+08:00", [line(1, "100.00")])
    assert r["totals"]["member_discount"] == "30.00"
    assert r["totals"]["paid"] == "70.00"


def test_returns_lower_the_year_spend(make_api):
    api = make_api("store_basic")
    mid = enroll(api)
    # 2 × 2500.00 = 5000.00 × 10% = 500.00 off → paid 4500.00
    r = buy(api, mid, "S-R1", SOLD, [line(1, "2500.00", qty="2")])
    assert r["totals"]["paid"] == "4500.00"
    back = api.post(
        "/purchases/S-R1/returns",
        {
            "return_no": "SR-1",
            "occurred_at": "2026-03-29T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert back.json()["points_reversed"] == 0  # nothing was earned
    # Year spend now 4500.00 − 4500.00 × 1/2 = 2250.00.
    # 3055.55 × 10% = 305.555 → 305.56 off → paid 2749.99 → 4999.99: still 普通
    # (without the return it would have been 7249.99).
    r = buy(api, mid, "S-R2", "2026-03-30T10:00:00+08:00", [line(1, "3055.55")])
    assert r["totals"]["paid"] == "2749.99"
    assert r["tier_changed"] is None
    # One more fen reaches 5000.00.
    r = buy(api, mid, "S-R3", "2026-03-30T11:00:00+08:00", [line(1, "0.01")])
    assert r["tier_changed"] == {"from": "regular", "to": "vip"}
