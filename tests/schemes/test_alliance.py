"""alliance — 小康网站 VIP积分卡 (SCHEMES.md §2, seed 000 篇二), through the HTTP API.

Join with ID + phone and one same-day receipt ≥ 200.00; 9.5折 at partner merchants, never
combined with a promotion (the better of the two); 1 point per full 10.00 of the receipt's paid
total; no card shown, group-buy and proxy purchases → no points; points clear on Jan 1;
customer classes A–D by spend in the 365 days before classification.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from huiyuan.domain.pricing import NOTE_BEST_OF_MEMBER, NOTE_BEST_OF_PROMOTION
from huiyuan.presets.loader import load_preset

from .kit import quoted_purchase

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"
ID = "11010519491231002X"
BELOW_STEP = "不足一个积分单位的金额不积分 / the amount below one step earns nothing"
NO_CARD = "结账前未出示会员积分卡，视为放弃积分，事后不补记 / no card shown before paying: no points, and they are never added later"  # noqa: E501


def enroll(api: Any, phone: str = "13800138000", **fields: Any) -> str:
    body = {
        "name": "王芳",
        "phone": phone,
        "id_number": ID,
        "qualifying_spend": "200.00",
        "merchant": "M01",
        "joined_at": JOINED,
        **fields,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "vip"
    return r.json()["member_id"]


def line(no: int, list_price: str, qty: str = "1", **kw: Any) -> dict:
    return {
        "line_no": no,
        "sku": f"SKU{no}",
        "category": "food",
        "qty": qty,
        "list_price": list_price,
        **kw,
    }


def buy(api: Any, mid: str, receipt_no: str, at: str, lines: list[dict], **kw: Any) -> dict:
    body = {
        "receipt_no": receipt_no,
        "member_id": mid,
        "merchant": "M01",
        "occurred_at": at,
        "lines": lines,
        **kw,
    }
    return quoted_purchase(api, body)


def by_line(r: dict, key: str) -> list:
    return [li[key] for li in r["lines"]]


def test_joining_needs_id_phone_and_a_200_receipt(make_api):
    api = make_api("alliance")
    base = {"name": "王芳", "phone": "13800138000", "id_number": ID, "joined_at": JOINED}
    r = api.post("/members", {**base, "qualifying_spend": "199.99"})
    assert r.status_code == 422
    assert r.json()["code"] == "join_condition_not_met"
    r = api.post("/members", {"name": "王芳", "phone": "13800138000", "qualifying_spend": "200.00"})
    assert r.status_code == 422
    assert r.json()["code"] == "missing_fields"
    r = api.post("/members", {**base, "qualifying_spend": "200.00"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "active"
    # A passport is accepted too (the seed's ID list ends in 等).
    r = api.post(
        "/members",
        {
            "name": "Anna Li",
            "phone": "13900139001",
            "id_type": "passport",
            "id_number": "E12345678",
            "qualifying_spend": "350.00",
            "joined_at": JOINED,
        },
    )
    assert r.status_code == 201, r.text


def test_five_percent_off_and_one_point_per_full_10_of_the_receipt(make_api):
    api = make_api("alliance")
    mid = enroll(api)
    # 100.00 × 5% = 5.00 off → 95.00; 47.37 × 5% = 2.3685 → 2.37 off → 45.00.
    # Base 140.00 → 14 points, spread 14 × 95/140 = 9.5 and 14 × 45/140 = 4.5: floors 9 and 4,
    # the missing point to the earlier of the equal remainders → 10 and 4.
    r = buy(api, mid, "A-1", SOLD, [line(1, "100.00"), line(2, "47.37")])
    assert by_line(r, "member_discount") == ["5.00", "2.37"]
    assert by_line(r, "paid") == ["95.00", "45.00"]
    assert r["points_earned"] == 14
    assert by_line(r, "points") == [10, 4]
    # 10.52 × 5% = 0.526 → 0.53 off → 9.99: below one full 10.00 → 0, not carried.
    r = buy(api, mid, "A-2", SOLD, [line(1, "10.52")])
    assert r["totals"]["paid"] == "9.99"
    assert r["points_earned"] == 0
    assert BELOW_STEP in r["lines"][0]["notes"]
    # 10.53 × 5% = 0.5265 → 0.53 off → 10.00: one full step → 1 (the 9.99 before is gone).
    r = buy(api, mid, "A-3", SOLD, [line(1, "10.53")])
    assert r["totals"]["paid"] == "10.00"
    assert r["points_earned"] == 1
    assert r["balance"] == 15


def test_promotion_lines_get_the_better_offer_never_both(make_api):
    api = make_api("alliance")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "A-P",
        SOLD,
        [
            # Promotion 96.00 vs member price 100.00 × 95% = 95.00 → the member price: 1.00 off.
            line(1, "100.00", price="96.00", flags=["promotion"]),
            # Promotion 90.00 vs 95.00 → the promotion price; no member discount.
            line(2, "100.00", price="90.00", flags=["promotion"]),
            # Promotion 95.00 vs 95.00 → the promotion price stands; nothing more off.
            line(3, "100.00", price="95.00", flags=["promotion"]),
        ],
    )
    assert by_line(r, "member_discount") == ["1.00", "0.00", "0.00"]
    assert by_line(r, "paid") == ["95.00", "90.00", "95.00"]
    notes = by_line(r, "notes")
    assert NOTE_BEST_OF_MEMBER in notes[0]
    assert NOTE_BEST_OF_PROMOTION in notes[1]
    assert NOTE_BEST_OF_PROMOTION in notes[2]
    # Base 95 + 90 + 95 = 280.00 → 28 points.
    assert r["points_earned"] == 28


def test_no_card_group_buy_and_proxy_purchase_earn_nothing(make_api):
    api = make_api("alliance")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "A-X",
        SOLD,
        [
            line(1, "200.00"),  # 200.00 − 10.00 = 190.00, earns
            # Group-buy price: no member discount on top and no points.
            line(2, "100.00", price="80.00", flags=["group_buy"]),
            # Bought outside the shop for the member: 50.00 − 2.50 = 47.50, no points.
            line(3, "50.00", flags=["proxy_purchase"]),
        ],
    )
    assert by_line(r, "member_discount") == ["10.00", "0.00", "2.50"]
    assert by_line(r, "paid") == ["190.00", "80.00", "47.50"]
    # Only line 1 makes the base: 190.00 → 19 points.
    assert by_line(r, "points") == [19, 0, 0]
    notes = by_line(r, "notes")
    assert "团购优惠不与会员折扣同享 / group-buy price: no member discount on top" in notes[1]
    assert "享受团购优惠不再积分 / group-buy sales earn no points" in notes[1]
    assert (
        "店外代购商品不计入积分 / proxy purchases made outside the store earn no points"
        in (notes[2])
    )
    # No card shown: the discount stays (the member is known), the points are given up.
    r = buy(api, mid, "A-N", SOLD, [line(1, "200.00")], card_presented=False)
    assert r["totals"]["paid"] == "190.00"
    assert r["points_earned"] == 0
    assert NO_CARD in r["lines"][0]["notes"]
    assert r["balance"] == 19


def test_return_claws_back_the_lines_share(make_api):
    api = make_api("alliance")
    mid = enroll(api)
    r = buy(api, mid, "A-R", SOLD, [line(1, "100.00"), line(2, "47.37")])
    assert by_line(r, "points") == [10, 4]  # as in the receipt above
    back = api.post(
        "/purchases/A-R/returns",
        {
            "return_no": "AR-1",
            "occurred_at": "2026-03-29T10:00:00+08:00",
            "lines": [{"line_no": 2, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert (back.json()["points_reversed"], back.json()["balance"]) == (4, 10)


def test_points_clear_on_jan_1(make_api):
    api = make_api("alliance")
    mid = enroll(api)
    buy(api, mid, "A-Y1", "2026-12-31T23:59:00+08:00", [line(1, "210.53")])  # 200.00 → 20
    r = api.get(f"/members/{mid}/balance", params={"as_of": "2026-12-31T23:59:59+08:00"})
    assert r.json()["points"] == 20
    r = api.get(f"/members/{mid}/balance", params={"as_of": "2027-01-01T00:00:00+08:00"})
    assert r.json()["points"] == 0


def test_customer_classes_by_365_day_spend(make_api):
    bands = load_preset("alliance").classes
    assert bands is not None
    # A ≥ 10000, B ≥ 5000, C ≥ 2000, D below.
    cases = {
        "0.00": "D",
        "1999.99": "D",
        "2000.00": "C",
        "4999.99": "C",
        "5000.00": "B",
        "9999.99": "B",
        "10000.00": "A",
    }
    assert {v: bands.band_for(Decimal(v)) for v in cases} == cases
    # Classes are set by the classify_customers job, not by receipts.
    api = make_api("alliance")
    mid = enroll(api)
    buy(api, mid, "A-C1", SOLD, [line(1, "12000.00")])
    assert api.get(f"/members/{mid}").json()["customer_class"] is None
