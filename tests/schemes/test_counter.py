"""counter — 商场直营专柜 VIP (SCHEMES.md §3, seed 000 篇三), driven through the HTTP API.

Rebate points by the line's price / list_price: ≥ 0.80 → 8.8% of paid, ≥ 0.50 → 5%, below →
2%; rebate yuan become points 1:1, rounded down per line; doubled (exactly, before rounding) on
the birthday. Points clear at the end of Dec 31, except those from Dec 31 purchases, which belong
to the next year.
"""

from __future__ import annotations

from typing import Any

from .kit import buy

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"
ID = "11010519491231002X"


def enroll(api: Any, phone: str = "13800138000", **fields: Any) -> str:
    body = {
        "name": "王芳",
        "phone": phone,
        "id_number": ID,
        "address": "北京市朝阳区建国路1号",
        "joined_at": JOINED,
        **fields,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "active"
    assert r.json()["tier"] == "vip"
    return r.json()["member_id"]


def line(no: int, list_price: str, price: str | None = None, qty: str = "1", **kw: Any) -> dict:
    out = {"line_no": no, "sku": f"SKU{no}", "category": "apparel", "qty": qty}
    out["list_price"] = list_price
    if price is not None:
        out["price"] = price
    return {**out, **kw}


def points_by_line(receipt: dict) -> dict[int, int]:
    return {li["line_no"]: li["points"] for li in receipt["lines"]}


def test_join_requires_name_phone_id_and_address(make_api):
    api = make_api("counter")
    r = api.post(
        "/members",
        {"name": "王芳", "phone": "13800138000", "id_number": ID, "joined_at": JOINED},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "missing_fields"
    assert "address" in r.json()["detail"]
    # A wrong 身份证 checksum is refused (…0029 instead of …002X).
    r = api.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13800138000",
            "id_number": "110105194912310029",
            "address": "北京",
            "joined_at": JOINED,
        },
    )
    assert r.status_code == 422
    mid = enroll(api)
    # The account is the mobile number: the member is found by it; a second one is refused.
    found = api.get("/members", params={"phone": "13800138000"}).json()["items"]
    assert [m["member_id"] for m in found] == [mid]
    r = api.post(
        "/members",
        {
            "name": "李雷",
            "phone": "13800138000",
            "id_number": "110105194912310038",
            "address": "北京",
            "joined_at": JOINED,
        },
    )
    assert r.status_code == 409


def test_rebate_bands_at_their_boundaries(make_api):
    api = make_api("counter")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "C-1",
        SOLD,
        [
            # price/list = 80.00/100.00 = 0.80 exactly → 8.8% band: 80.00 × 0.088 = 7.04 → 7
            line(1, "100.00", "80.00"),
            # 79.99/100.00 = 0.7999 → 5% band: 79.99 × 0.05 = 3.9995 → 3
            line(2, "100.00", "79.99"),
            # 100.00/200.00 = 0.50 exactly → 5% band: 100.00 × 0.05 = 5.00 → 5
            line(3, "200.00", "100.00"),
            # 99.98/200.00 = 0.4999 → 2% band: 99.98 × 0.02 = 1.9996 → 1
            line(4, "200.00", "99.98"),
            # full price, qty 3: 3 × 35.50 = 106.50 × 0.088 = 9.372 → 9
            line(5, "35.50", qty="3"),
        ],
    )
    assert points_by_line(r) == {1: 7, 2: 3, 3: 5, 4: 1, 5: 9}
    assert r["points_earned"] == 25  # 7 + 3 + 5 + 1 + 9
    assert r["balance"] == 25
    # No member discount in this scheme: paid = 80.00 + 79.99 + 100.00 + 99.98 + 106.50 = 466.47
    assert r["totals"]["member_discount"] == "0.00"
    assert r["totals"]["paid"] == "466.47"
    assert r["totals"]["list"] == "706.50"  # 100 + 100 + 200 + 200 + 106.50
    assert r["tier_changed"] is None


def test_birthday_doubles_the_exact_rebate_and_feb29_falls_on_feb28(make_api):
    api = make_api("counter")
    mid = enroll(api, birthday="1992-02-29", id_number="440301199202290014")
    lines = [
        # 79.99 × 0.05 × 2 = 7.999 → 7 (doubling after rounding would give 3 × 2 = 6)
        line(1, "100.00", "79.99"),
        # 80.00 × 0.088 × 2 = 14.08 → 14
        line(2, "100.00", "80.00"),
    ]
    # 2026 is a common year: the Feb-29 birthday falls on Feb 28.
    r = buy(api, mid, "C-B1", "2026-02-28T15:00:00+08:00", lines)
    assert points_by_line(r) == {1: 7, 2: 14}
    assert r["points_earned"] == 21
    # The day after is not the birthday: 3 + 7.04 → 7 = 10 points.
    r = buy(api, mid, "C-B2", "2026-03-01T15:00:00+08:00", lines)
    assert points_by_line(r) == {1: 3, 2: 7}
    assert r["balance"] == 31  # 21 + 10


def test_birthday_is_the_business_date_in_shanghai(make_api):
    api = make_api("counter")
    mid = enroll(api, birthday="1990-05-17", id_number="110101199003071233")
    # 2026-05-16T16:30Z is 2026-05-17 00:30 in Shanghai: the birthday.
    # 100.00 × 0.088 × 2 = 17.6 → 17
    r = buy(api, mid, "C-Z1", "2026-05-16T16:30:00Z", [line(1, "100.00")])
    assert r["points_earned"] == 17
    # 2026-05-16T15:59Z is 2026-05-16 23:59 in Shanghai: not yet; 100.00 × 0.088 = 8.8 → 8
    r = buy(api, mid, "C-Z2", "2026-05-16T15:59:00Z", [line(1, "100.00")])
    assert r["points_earned"] == 8


def test_return_claws_back_exactly_the_lines_points(make_api):
    api = make_api("counter")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "C-R",
        SOLD,
        [
            # qty 3 × 88.00 = 264.00 at 0.88 of list 100.00 → 8.8%: 23.232 → 23
            line(1, "100.00", "88.00", qty="3"),
            # 60.00/100.00 = 0.60 → 5%: 3.00 → 3
            line(2, "100.00", "60.00"),
        ],
    )
    assert points_by_line(r) == {1: 23, 2: 3}
    assert r["balance"] == 26
    later = "2026-03-30T11:00:00+08:00"
    # Return 1 of 3 from line 1: floor(23 × 1/3) = 7 reversed.
    back = api.post(
        "/purchases/C-R/returns",
        {"return_no": "CR-1", "occurred_at": later, "lines": [{"line_no": 1, "qty": "1"}]},
    )
    assert back.status_code == 201, back.text
    assert (back.json()["points_reversed"], back.json()["balance"]) == (7, 19)
    # The other 2 and line 2: floor(23 × 3/3) − 7 = 16, plus 3 → 19; nothing left.
    back = api.post(
        "/purchases/C-R/returns",
        {
            "return_no": "CR-2",
            "occurred_at": later,
            "lines": [{"line_no": 1, "qty": "2"}, {"line_no": 2, "qty": "1"}],
        },
    )
    assert (back.json()["points_reversed"], back.json()["balance"]) == (19, 0)
    over = api.post(
        "/purchases/C-R/returns",
        {"return_no": "CR-3", "occurred_at": later, "lines": [{"line_no": 2, "qty": "1"}]},
    )
    assert over.status_code == 422
    assert over.json()["code"] == "return_exceeds_sold"


def test_dec31_purchases_belong_to_the_next_year(make_api):
    api = make_api("counter")
    mid = enroll(api)
    # 2026-12-30 23:59 Shanghai (15:59Z): 100.00 × 0.088 = 8.8 → 8, cleared at 2027-01-01 00:00.
    buy(api, mid, "C-Y1", "2026-12-30T15:59:00Z", [line(1, "100.00")])
    # 2026-12-31 00:30 Shanghai (Dec 30 16:30Z): Dec 31 business date, 200.00 × 0.088 = 17.6 → 17
    r = buy(api, mid, "C-Y2", "2026-12-30T16:30:00Z", [line(1, "200.00")])
    assert r["points_earned"] == 17
    assert r["balance"] == 25  # usable at once: 8 + 17
    # An earlier purchase in the year: 50.00 × 0.088 = 4.4 → 4, cleared with the year.
    buy(api, mid, "C-Y0", "2026-06-01T12:00:00+08:00", [line(1, "50.00")])

    def balance(as_of: str) -> dict:
        r = api.get(f"/members/{mid}/balance", params={"as_of": as_of})
        assert r.status_code == 200, r.text
        return r.json()

    last_moment = balance("2026-12-31T23:59:59+08:00")
    assert last_moment["points"] == 29  # 4 + 8 + 17
    assert last_moment["expiring"] == [
        {"expires_at": "2027-01-01T00:00:00+08:00", "points": 12},  # 4 + 8
        {"expires_at": "2028-01-01T00:00:00+08:00", "points": 17},
    ]
    # At the start of Jan 1 only the Dec 31 points are left; they clear a year later.
    assert balance("2027-01-01T00:00:00+08:00")["points"] == 17
    assert balance("2027-12-31T23:59:59+08:00")["points"] == 17
    assert balance("2028-01-01T00:00:00+08:00")["points"] == 0
