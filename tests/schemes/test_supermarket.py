"""supermarket — ***超市会员卡 (SCHEMES.md §1, seed 000 篇一), through the HTTP API.

Join with one receipt ≥ 50.00 or a 5.00 fee, an ID (身份证, student, military) and the form;
staff may not join; pending until activated by staff or 7 days after the form. Member prices on
member-price SKUs when the card is shown. 1 point per 1.00 paid; tobacco, alcohol,
special-price, group-buy and promotion lines earn 0; appliances and clothing 1 point per 50.00.
Points clear on Jan 1.
"""

from __future__ import annotations

from typing import Any

from huiyuan.services.outcome import NOTE_PENDING

from .kit import buy

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"
ID = "11010519491231002X"


def enroll(api: Any, phone: str = "13800138000", activate: bool = True, **fields: Any) -> str:
    body = {
        "name": "王芳",
        "phone": phone,
        "id_number": ID,
        "fee_paid": "5.00",
        "joined_at": JOINED,
        **fields,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "pending"
    assert r.json()["tier"] == "member"
    mid = r.json()["member_id"]
    if activate:
        r = api.post(f"/members/{mid}/activate", {"occurred_at": body["joined_at"]})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "active"
    return mid


def line(no: int, list_price: str, category: str = "food", qty: str = "1", **kw: Any) -> dict:
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


def test_join_conditions(make_api):
    api = make_api("supermarket")
    base = {"name": "王芳", "id_number": ID, "joined_at": JOINED}

    def join(phone: str, **extra: Any) -> Any:
        return api.post("/members", {**base, "phone": phone, **extra})

    r = join("13800138000", qualifying_spend="49.99")  # one fen short of 50.00
    assert r.status_code == 422
    assert r.json()["code"] == "join_condition_not_met"
    r = join("13800138000", fee_paid="4.99")
    assert r.json()["code"] == "join_condition_not_met"
    r = join("13800138000", qualifying_spend="50.00")
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "pending"
    assert join("13900139001", fee_paid="5.00").status_code == 201
    r = join("13700137002", fee_paid="5.00", is_staff=True)
    assert r.status_code == 422
    assert r.json()["code"] == "staff_not_allowed"
    r = join("13700137002", fee_paid="5.00", id_type="passport", id_number="E12345678")
    assert r.status_code == 422
    assert r.json()["code"] == "id_type_not_accepted"
    r = api.post(
        "/members",
        {"name": "王芳", "phone": "13700137002", "fee_paid": "5.00", "joined_at": JOINED},
    )
    assert r.json()["code"] == "missing_fields"
    # A student card is an accepted ID.
    r = join("13700137002", fee_paid="5.00", id_type="student", id_number="S2026001")
    assert r.status_code == 201, r.text


def test_pending_member_gets_nothing_until_activated(make_api):
    api = make_api("supermarket")
    mid = enroll(api, activate=False)
    lines = [line(1, "10.00", qty="3", member_price="8.00")]
    r = buy(api, mid, "SM-P1", SOLD, lines)
    assert r["totals"]["member_discount"] == "0.00"
    assert r["points_earned"] == 0
    assert NOTE_PENDING in r["lines"][0]["notes"]
    assert api.post(f"/members/{mid}/activate", {"occurred_at": SOLD}).status_code == 200
    # Active: 3 × 8.00 = 24.00 instead of 30.00 → 6.00 off → 24 points.
    r = buy(api, mid, "SM-P2", "2026-03-28T10:30:00+08:00", lines)
    assert r["totals"]["member_discount"] == "6.00"
    assert r["points_earned"] == 24


def test_activation_by_itself_7_days_after_the_form(make_api):
    api = make_api("supermarket")
    mid = enroll(api, activate=False, joined_at="2026-03-01T10:00:00+08:00")
    r = api.post("/jobs/activate_pending", {"as_of": "2026-03-08T09:59:59+08:00"})
    assert r.status_code == 200, r.text
    assert api.get(f"/members/{mid}").json()["status"] == "pending"
    r = api.post("/jobs/activate_pending", {"as_of": "2026-03-08T10:00:00+08:00"})
    assert r.status_code == 200, r.text
    assert api.get(f"/members/{mid}").json()["status"] == "active"


def test_a_mixed_receipt(make_api):
    api = make_api("supermarket")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "SM-1",
        SOLD,
        [
            line(1, "35.50", qty="2"),  # 2 × 35.50 = 71.00 → 71
            line(2, "25.00", "tobacco"),  # tobacco → 0
            line(3, "59.00", "alcohol"),  # alcohol → 0
            line(4, "12.90", "daily", flags=["special_price"]),  # special price → 0
            line(5, "2999.00", "appliance"),  # 2999.00 / 50 = 59.98 → 59
            line(6, "100.00", "clothing"),  # 100.00 / 50 = 2
            # member price 6.50 instead of 8.00: 3 × 6.50 = 19.50 (4.50 off) → 19
            line(7, "8.00", "fresh", qty="3", member_price="6.50"),
            line(8, "9.90", flags=["group_buy"]),  # group buy → 0
            line(9, "19.90", flags=["promotion"]),  # promotion → 0
            line(10, "0.99"),  # 0.99 → 0 (rounded down per line)
        ],
    )
    assert by_line(r, "points") == [71, 0, 0, 0, 59, 2, 19, 0, 0, 0]
    assert r["points_earned"] == 151  # 71 + 59 + 2 + 19
    assert by_line(r, "member_discount")[6] == "4.50"
    assert r["totals"]["member_discount"] == "4.50"
    # 71 + 25 + 59 + 12.90 + 2999 + 100 + 19.50 + 9.90 + 19.90 + 0.99 = 3317.19
    assert r["totals"]["paid"] == "3317.19"
    assert r["totals"]["list"] == "3321.69"  # paid + 4.50
    notes = by_line(r, "notes")
    assert "烟草不积分 / tobacco earns no points" in notes[1]
    assert "酒类不积分 / alcohol earns no points" in notes[2]
    assert "特价商品不积分 / special-price items earn no points" in notes[3]
    assert "团购不积分 / group-buy sales earn no points" in notes[7]
    assert "促销商品不积分 / promotion items earn no points" in notes[8]


def test_large_items_one_point_per_full_50(make_api):
    api = make_api("supermarket")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "SM-L",
        SOLD,
        [
            line(1, "50.00", "clothing"),  # 50.00 / 50 = 1
            line(2, "49.99", "clothing"),  # 49.99 / 50 = 0.9998 → 0
            line(3, "99.99", "appliance"),  # 1.9998 → 1
            # 2 × 25.00 = 50.00 on one line (the line's money, not per unit) → 1
            line(4, "25.00", "appliance", qty="2"),
        ],
    )
    assert by_line(r, "points") == [1, 0, 1, 1]


def test_a_large_item_below_one_step_says_why(make_api):
    api = make_api("supermarket")
    mid = enroll(api)
    # 49.99 clothing → 0 points: SCHEMES.md "Every rule that makes a line earn nothing … says why".
    r = buy(api, mid, "SM-L0", SOLD, [line(1, "49.99", "clothing")])
    assert r["lines"][0]["points"] == 0
    assert r["lines"][0]["notes"] != []


def test_card_not_shown_no_member_price_and_no_points(make_api):
    api = make_api("supermarket")
    mid = enroll(api)
    lines = [line(1, "10.00", qty="3", member_price="8.00"), line(2, "20.00")]
    r = buy(api, mid, "SM-N", SOLD, lines, card_presented=False)
    assert r["totals"]["member_discount"] == "0.00"
    assert r["totals"]["paid"] == "50.00"
    assert r["points_earned"] == 0
    notes = by_line(r, "notes")
    assert (
        "未在扫描商品前出示会员卡，不享会员价 / card not shown before scanning: no member prices"
        in (notes[0])
    )
    assert all("未出示会员卡，不积分 / card not shown: no points" in n for n in notes)
    # A member-price SKU whose member price is not lower gets nothing off: 20.00 → 20 points.
    r = buy(api, mid, "SM-N2", SOLD, [line(1, "20.00", member_price="20.00")])
    assert r["totals"]["member_discount"] == "0.00"
    assert r["points_earned"] == 20


def test_points_clear_on_jan_1(make_api):
    api = make_api("supermarket")
    mid = enroll(api)
    buy(api, mid, "SM-Y1", "2026-06-01T10:00:00+08:00", [line(1, "100.00")])  # 100
    # 2026-12-31 23:59 in Shanghai: still 2026.
    buy(api, mid, "SM-Y2", "2026-12-31T15:59:00Z", [line(1, "50.00")])  # 50
    # 2026-12-31T16:00Z is 2027-01-01 00:00 in Shanghai: a 2027 point.
    buy(api, mid, "SM-Y3", "2026-12-31T16:00:00Z", [line(1, "7.00")])  # 7
    r = api.get(f"/members/{mid}/balance", params={"as_of": "2026-12-31T23:59:59+08:00"})
    assert r.json()["points"] == 150
    r = api.get(f"/members/{mid}/balance", params={"as_of": "2027-01-01T00:00:00+08:00"})
    assert r.json()["points"] == 7
    assert r.json()["expiring"] == [{"expires_at": "2028-01-01T00:00:00+08:00", "points": 7}]


def test_return_claws_back_exactly(make_api):
    api = make_api("supermarket")
    mid = enroll(api)
    # 3 × 33.33 = 99.99 → 99; 2 × 75.00 = 150.00 appliance → 3.
    r = buy(api, mid, "SM-R", SOLD, [line(1, "33.33", qty="3"), line(2, "75.00", "appliance", "2")])
    assert by_line(r, "points") == [99, 3]
    at = "2026-03-29T10:00:00+08:00"
    back = api.post(
        "/purchases/SM-R/returns",
        {
            "return_no": "SMR-1",
            "occurred_at": at,
            "lines": [{"line_no": 1, "qty": "1"}, {"line_no": 2, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    # floor(99 × 1/3) = 33 and floor(3 × 1/2) = 1 → 34 back; 102 − 34 = 68.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (34, 68)
    back = api.post(
        "/purchases/SM-R/returns",
        {
            "return_no": "SMR-2",
            "occurred_at": at,
            "lines": [{"line_no": 1, "qty": "2"}, {"line_no": 2, "qty": "1"}],
        },
    )
    # 99 − 33 = 66 and 3 − 1 = 2 → 68 back; nothing left.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (68, 0)
