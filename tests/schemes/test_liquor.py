"""liquor — 酒类专业连锁超市 会员俱乐部 (SCHEMES.md §6, seed 001), through the HTTP API.

The 1× member discount is 2% of the list price; a card's N multiplies it (普通 1, 金卡 2, 铂金
3, 钻石 5; group level 1 7×, level 2 9×). Points = the line's 1× discount × the card's points
multiple, exact, rounded down per line. Cards by one receipt's paid money: 金 10000.00, 铂金
20000.00, 钻石 50000.00. Special-price and single-pack tobacco lines earn no points; a promotion
line gets only the promotion; group cards earn no points.
"""

from __future__ import annotations

from typing import Any

from .kit import buy

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"
PROMOTION_ONLY = "促销商品只享受促销价，不另享会员折扣 / promotion price only, no member discount"


def enroll(api: Any, phone: str = "13800138000", **fields: Any) -> str:
    body = {"name": "张伟", "phone": phone, "fee_paid": "20.00", "joined_at": JOINED, **fields}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    return r.json()["member_id"]


def line(no: int, list_price: str, qty: str = "1", category: str = "wine", **kw: Any) -> dict:
    return {
        "line_no": no,
        "sku": f"SKU{no}",
        "category": category,
        "qty": qty,
        "list_price": list_price,
        **kw,
    }


def by_line(r: dict, key: str) -> list:
    return [li[key] for li in r["lines"]]


def test_joining_needs_1000_same_day_or_a_20_fee(make_api):
    api = make_api("liquor")

    def join(phone: str, **money: str) -> Any:
        body = {"name": "张伟", "phone": phone, "joined_at": JOINED, **money}
        return api.post("/members", body)

    r = join("13800138000", qualifying_spend="999.99")
    assert r.status_code == 422
    assert r.json()["code"] == "join_condition_not_met"
    assert join("13800138000", qualifying_spend="1000.00").status_code == 201
    r = join("13900139001", fee_paid="19.99")
    assert r.status_code == 422
    assert r.json()["code"] == "join_condition_not_met"
    assert join("13900139001", fee_paid="20.00").status_code == 201
    # A unit joins with its name and phone only.
    r = api.post(
        "/members",
        {
            "name": "成都某某贸易有限公司",
            "phone": "13700137002",
            "kind": "unit",
            "fee_paid": "20.00",
            "card_password": "246810",
            "joined_at": JOINED,
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    assert api.get(f"/members/{r.json()['member_id']}").json()["kind"] == "unit"


def test_ordinary_card_discount_points_and_exclusions(make_api):
    api = make_api("liquor")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "L-1",
        SOLD,
        [
            # 1000.00 × 2% = 20.00 off → 980.00; points 1000.00 × 2% × 1 = 20
            line(1, "1000.00"),
            # 24.99 × 2% = 0.4998 → 0.50 off → 24.49; points 0.4998 → 0
            line(2, "24.99"),
            # 3 × 128.00 = 384.00 × 2% = 7.68 off → 376.32; points 7.68 → 7
            line(3, "128.00", qty="3", category="spirits"),
            # special price 80.00 (list 100.00): 100.00 × 2% = 2.00 off → 78.00; no points
            line(4, "100.00", price="80.00", flags=["special_price"]),
            # single pack of cigarettes 25.00: 0.50 off → 24.50; no points
            line(5, "25.00", category="tobacco", flags=["single_pack_tobacco"]),
            # promotion at 90.00 (list 100.00): the promotion only — no discount, no points
            line(6, "100.00", price="90.00", flags=["promotion"]),
        ],
    )
    assert by_line(r, "member_discount") == ["20.00", "0.50", "7.68", "2.00", "0.50", "0.00"]
    assert by_line(r, "paid") == ["980.00", "24.49", "376.32", "78.00", "24.50", "90.00"]
    assert by_line(r, "points") == [20, 0, 7, 0, 0, 0]
    assert r["points_earned"] == 27
    assert r["totals"]["member_discount"] == "30.68"  # 20 + 0.50 + 7.68 + 2 + 0.50
    assert r["totals"]["paid"] == "1573.31"  # 980 + 24.49 + 376.32 + 78 + 24.50 + 90
    notes = by_line(r, "notes")
    assert "特价商品不参加积分 / special-price items earn no points" in notes[3]
    assert "单包香烟不参加积分 / single packs of cigarettes earn no points" in notes[4]
    assert PROMOTION_ONLY in notes[5]
    assert (
        "活动商品只享受活动优惠，不积分 / promotion items get the promotion only, no points"
        in (notes[5])
    )


def test_gold_card_from_one_receipt_of_10000_paid(make_api):
    api = make_api("liquor")
    mid = enroll(api)
    # 10204.07 × 2% = 204.0814 → 204.08 off → paid 9999.99: one fen short; points 204.
    r = buy(api, mid, "L-G1", SOLD, [line(1, "10204.07")])
    assert r["totals"]["paid"] == "9999.99"
    assert r["points_earned"] == 204
    assert r["tier_changed"] is None
    # Two receipts never add up: only one receipt's paid money counts.
    # 10204.08 × 2% = 204.0816 → 204.08 off → paid 10000.00 → 金卡; priced and earning at 1×.
    r = buy(api, mid, "L-G2", "2026-03-29T10:00:00+08:00", [line(1, "10204.08")])
    assert r["totals"]["paid"] == "10000.00"
    assert r["totals"]["member_discount"] == "204.08"
    assert r["points_earned"] == 204  # 204.0816 → 204
    assert r["tier_changed"] == {"from": "regular", "to": "gold"}
    assert r["balance"] == 408
    # From the next receipt, 2×: 24.99 × 2% × 2 = 0.9996 → 1.00 off, 0 points (never rounded
    # to the fen before the floor); 1000.00 × 2% × 2 = 40.00 off → 960.00, 40 points.
    r = buy(api, mid, "L-G3", "2026-03-30T10:00:00+08:00", [line(1, "24.99"), line(2, "1000.00")])
    assert r["tier"] == "gold"
    assert by_line(r, "member_discount") == ["1.00", "40.00"]
    assert by_line(r, "paid") == ["23.99", "960.00"]
    assert by_line(r, "points") == [0, 40]


def test_platinum_and_diamond_cards(make_api):
    api = make_api("liquor")
    plat = enroll(api)
    # 20408.16 × 2% = 408.1632 → 408.16 off → paid 20000.00 → 铂金卡 (straight from 普通); 408 pts
    r = buy(api, plat, "L-P1", SOLD, [line(1, "20408.16")])
    assert r["totals"]["paid"] == "20000.00"
    assert r["points_earned"] == 408
    assert r["tier_changed"] == {"from": "regular", "to": "platinum"}
    # 3×: 100.00 × 2% × 3 = 6.00 off → 94.00; 6 points. 33.33 × 2% × 3 = 1.9998 → 2.00 off, 1 pt
    r = buy(api, plat, "L-P2", "2026-03-29T10:00:00+08:00", [line(1, "100.00"), line(2, "33.33")])
    assert by_line(r, "member_discount") == ["6.00", "2.00"]
    assert by_line(r, "points") == [6, 1]

    diamond = enroll(api, phone="13900139001")
    # 51020.41 × 2% = 1020.4082 → 1020.41 off → paid 50000.00 → 钻石卡; 1020 points
    r = buy(api, diamond, "L-D1", SOLD, [line(1, "51020.41")])
    assert r["totals"]["paid"] == "50000.00"
    assert r["points_earned"] == 1020
    assert r["tier_changed"] == {"from": "regular", "to": "diamond"}
    # 5×: 100.00 × 2% × 5 = 10.00 off → 90.00; 10 points. 9.99 × 2% × 5 = 0.999 → 1.00 off, 0 pts
    r = buy(api, diamond, "L-D2", "2026-03-29T10:00:00+08:00", [line(1, "100.00"), line(2, "9.99")])
    assert by_line(r, "member_discount") == ["10.00", "1.00"]
    assert by_line(r, "paid") == ["90.00", "8.99"]
    assert by_line(r, "points") == [10, 0]


def test_group_cards_get_7x_or_9x_discount_and_no_points(make_api):
    api = make_api("liquor")
    level1 = enroll(api, kind="group", group_level="1", name="某集团一级")
    level2 = enroll(api, phone="13900139001", kind="group", group_level="2", name="某集团二级")
    # Level 1: 100.00 × 2% × 7 = 14.00 off → 86.00; no points.
    r = buy(api, level1, "L-J1", SOLD, [line(1, "100.00")])
    assert r["lines"][0]["member_discount"] == "14.00"
    assert r["lines"][0]["paid"] == "86.00"
    assert r["points_earned"] == 0
    assert "集团会员卡不参加积分 / group cards earn no points" in r["lines"][0]["notes"]
    # Level 2: 100.00 × 2% × 9 = 18.00 off → 82.00; 12.34 × 18% = 2.2212 → 2.22 off → 10.12.
    r = buy(api, level2, "L-J2", SOLD, [line(1, "100.00"), line(2, "12.34")])
    assert by_line(r, "member_discount") == ["18.00", "2.22"]
    assert by_line(r, "paid") == ["82.00", "10.12"]
    assert r["points_earned"] == 0


def test_return_claws_back_exactly(make_api):
    api = make_api("liquor")
    mid = enroll(api)
    # 3 × 500.00 = 1500.00 × 2% = 30.00 off → 1470.00; 30 points.
    # 2 × 33.33 = 66.66 × 2% = 1.3332 → 1.33 off → 65.33; 1 point.
    r = buy(api, mid, "L-R", SOLD, [line(1, "500.00", qty="3"), line(2, "33.33", qty="2")])
    assert by_line(r, "points") == [30, 1]
    at = "2026-03-30T10:00:00+08:00"
    back = api.post(
        "/purchases/L-R/returns",
        {
            "return_no": "LR-1",
            "occurred_at": at,
            "lines": [{"line_no": 1, "qty": "1"}, {"line_no": 2, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    # floor(30 × 1/3) = 10 and floor(1 × 1/2) = 0 → 10 back; 31 − 10 = 21.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (10, 21)
    back = api.post(
        "/purchases/L-R/returns",
        {
            "return_no": "LR-2",
            "occurred_at": at,
            "lines": [{"line_no": 1, "qty": "2"}, {"line_no": 2, "qty": "1"}],
        },
    )
    # 30 − 10 = 20 and 1 − 0 = 1 → 21 back; nothing left.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (21, 0)
