"""`fashion_club` — 俱乐部 银卡/金卡/钻石卡 (SCHEMES.md §15, seed 004 last section).

Driven through the HTTP API.

Hand-worked from SCHEMES.md §15:
- 银卡 on joining; 金卡 at cumulative spend 10000.00; 钻石卡 at 30000.00; the qualifying receipt
  is priced at the old card;
- on lines sold at 8折 or better (price ≥ 0.80 × list) a further 9折 / 8.5折 / 8折;
- 1 point per 1.00 paid, rounded down per line; double on the birthday (Feb 29 → Feb 28 in
  common years).
Pending in the preset (gifts, pressing/alterations, made-to-measure, festival gifts): see the
preset's `# pending` comments.
"""

from __future__ import annotations

from typing import Any

from .kit import quoted_purchase

CODE = "fashion_club"
JOINED = "2026-01-05T10:00:00+08:00"
NOTE_BELOW_80 = (
    "低于8折的商品不享折上折 / items sold below 80% of the tag price get no further discount"
)


def enroll(api: Any, phone: str, **extra: Any) -> str:
    r = api.post("/members", {"name": "吴桐", "phone": phone, "joined_at": JOINED, **extra})
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "silver"
    return str(r.json()["member_id"])


def line(no: int, list_price: str, price: str | None = None, qty: str = "1") -> dict[str, Any]:
    return {
        "line_no": no,
        "sku": f"C{no:03d}",
        "category": "apparel",
        "qty": qty,
        "list_price": list_price,
        "price": price or list_price,
    }


def body(mid: str, receipt_no: str, at: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {"receipt_no": receipt_no, "member_id": mid, "occurred_at": at, "lines": lines}


def buy(api: Any, mid: str, receipt_no: str, at: str, lines: list[dict[str, Any]]) -> Any:
    """Quotes, commits and checks that the quote was the commit's answer."""
    return quoted_purchase(api, body(mid, receipt_no, at, lines))


def quoted_points(api: Any, mid: str, at: str, lines: list[dict[str, Any]]) -> int:
    r = api.post("/purchases/quote", body(mid, "Q", at, lines))
    assert r.status_code == 200, r.text
    return int(r.json()["points_earned"])


def by_line(answer: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {li["line_no"]: li for li in answer["lines"]}


def test_cards(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["silver", "gold", "diamond"]
    mid = enroll(api, "13300000001")
    assert api.get(f"/members/{mid}").json()["tier"] == "silver"


def test_discount_on_discount_at_exactly_8zhe_not_below(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13300000011")
    answer = buy(
        api,
        mid,
        "D-1",
        "2026-03-28T10:15:00+08:00",
        [
            line(1, "100.00", "80.00"),
            line(2, "100.00", "79.99"),
            line(3, "100.00"),
            line(4, "80.00", "64.00", qty="3"),
        ],
    )
    lines = by_line(answer)
    # 1: 80.00 / 100.00 = 0.80 exactly: 银卡 9折 on 80.00 = 8.00 off → 72.00 → 72 points.
    assert (lines[1]["member_discount"], lines[1]["paid"], lines[1]["points"]) == (
        "8.00",
        "72.00",
        72,
    )
    # 2: 79.99 / 100.00 = 0.7999 < 0.80: no 折上折 (said) → 79.99 → 79 points.
    assert (lines[2]["member_discount"], lines[2]["points"]) == ("0.00", 79)
    assert lines[2]["notes"] == [NOTE_BELOW_80]
    # 3: full price: 10.00 off → 90 points.
    assert (lines[3]["member_discount"], lines[3]["points"]) == ("10.00", 90)
    # 4: 64.00 / 80.00 = 0.80: 3 × 64.00 = 192.00, 9折 → 19.20 off → 172.80 → 172 points.
    assert (lines[4]["member_discount"], lines[4]["points"]) == ("19.20", 172)
    # list 100 + 100 + 100 + 240 = 540.00; off 8 + 10 + 19.20 = 37.20;
    # paid 72 + 79.99 + 90 + 172.80 = 414.79; points 72 + 79 + 90 + 172 = 413.
    assert answer["totals"] == {
        "list": "540.00",
        "member_discount": "37.20",
        "points_offset": "0.00",
        "vouchers": "0.00",
        "paid": "414.79",
    }
    assert answer["points_earned"] == 413


def test_gold_at_10000_00_paid_priced_as_silver(make_api):
    api = make_api(CODE)
    a = enroll(api, "13300000021")
    b = enroll(api, "13300000022")
    at = "2026-04-01T10:00:00+08:00"
    # A: 9折 on 11111.10: 1111.11 off → 9999.99 paid: still 银卡.
    ra = buy(api, a, "A-1", at, [line(1, "11111.10")])
    assert ra["totals"]["paid"] == "9999.99"
    assert ra["tier_changed"] is None
    # B: 9折 on 11111.11: 1111.111 → 1111.11 off → 10000.00 paid → 10000 points: 金卡 from the
    # next receipt; this one was priced at 银卡 9折.
    rb = buy(api, b, "B-1", at, [line(1, "11111.11")])
    assert rb["totals"]["member_discount"] == "1111.11"
    assert rb["totals"]["paid"] == "10000.00"
    assert rb["points_earned"] == 10000
    assert rb["tier_changed"] == {"from": "silver", "to": "gold"}
    # 金卡: 8.5折 on 100.00 = 15.00 off → 85 points.
    rb2 = buy(api, b, "B-2", "2026-04-02T10:00:00+08:00", [line(1, "100.00")])
    assert rb2["totals"]["member_discount"] == "15.00"
    assert rb2["points_earned"] == 85


def test_diamond_straight_from_silver(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13300000031")
    # A line sold at 5折 gets no 折上折: 30000.00 paid → 30000 points → 钻石卡.
    r1 = buy(api, mid, "S-1", "2026-04-01T10:00:00+08:00", [line(1, "60000.00", "30000.00")])
    assert r1["totals"]["member_discount"] == "0.00"
    assert r1["tier_changed"] == {"from": "silver", "to": "diamond"}
    # 钻石卡: 8折 on 100.00 = 20.00 off → 80 points.
    r2 = buy(api, mid, "S-2", "2026-04-02T10:00:00+08:00", [line(1, "100.00")])
    assert r2["totals"]["member_discount"] == "20.00"
    assert r2["points_earned"] == 80


def test_birthday_double_feb29_in_a_common_year(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13300000041", birthday="1996-02-29")
    coat = [line(1, "100.00")]
    # 9折 → 90.00 paid → 90 points; on the birthday 180.
    assert quoted_points(api, mid, "2026-02-27T10:00:00+08:00", coat) == 90
    assert quoted_points(api, mid, "2026-02-28T10:00:00+08:00", coat) == 180  # common year
    assert quoted_points(api, mid, "2026-03-01T10:00:00+08:00", coat) == 90
    assert quoted_points(api, mid, "2028-02-28T10:00:00+08:00", coat) == 90  # leap year
    assert quoted_points(api, mid, "2028-02-29T10:00:00+08:00", coat) == 180
    # Doubling the exact value: 9折 on 55.55 → 5.555 → 5.56 off → 49.99 × 2 = 99.98 → 99
    # (flooring first would give 49 × 2 = 98).
    r = buy(api, mid, "BD-1", "2026-02-28T18:00:00+08:00", [line(1, "55.55")])
    assert r["lines"][0]["paid"] == "49.99"
    assert r["points_earned"] == 99
    # The return claws back exactly the 99 birthday points.
    back = api.post(
        "/purchases/BD-1/returns",
        {
            "return_no": "BD-1-R",
            "occurred_at": "2026-03-02T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert (back.json()["points_reversed"], back.json()["balance"]) == (99, 0)


def test_gold_reached_across_receipts(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13300000051")
    # 9999.99 paid (see above), then 0.01 with no 折上折 (5折 line): 10000.00 → 金卡.
    buy(api, mid, "X-1", "2026-05-01T10:00:00+08:00", [line(1, "11111.10")])
    r = buy(api, mid, "X-2", "2026-05-02T10:00:00+08:00", [line(1, "0.02", "0.01")])
    assert r["totals"]["paid"] == "0.01"
    assert r["tier_changed"] == {"from": "silver", "to": "gold"}
    # From the next receipt 金卡 8.5折: 200.00 → 30.00 off → 170 points.
    r = buy(api, mid, "X-3", "2026-05-03T10:00:00+08:00", [line(1, "200.00")])
    assert r["totals"]["member_discount"] == "30.00"
    assert r["points_earned"] == 170
