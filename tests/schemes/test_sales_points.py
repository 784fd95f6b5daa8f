"""sales_points — 会员积分(营销)管理方案 (SCHEMES.md §9, seed 003), through the HTTP API.

Salespeople earn 1 point per 1000.00 of signed orders; the part below 1000.00 carries to the
next order and is never lost. Points are valid to the end of the calendar year they were
earned in.
"""

from __future__ import annotations

from typing import Any

from .kit import buy as sign

JOINED = "2026-01-05T10:00:00+08:00"


def enroll(api: Any, phone: str = "13800138000", **fields: Any) -> str:
    body = {"name": "赵敏", "phone": phone, "joined_at": JOINED, **fields}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    return r.json()["member_id"]


def order(no: int, amount: str, qty: str = "1") -> dict:
    return {"line_no": no, "sku": f"ALLY{no}", "category": "", "qty": qty, "list_price": amount}


def test_the_remainder_below_1000_carries_to_the_next_order(make_api):
    api = make_api("sales_points")
    mid = enroll(api)
    # 1500.00 → 1 point, 500.00 carried.
    r = sign(api, mid, "SP-1", "2026-03-01T10:00:00+08:00", [order(1, "1500.00")])
    assert r["points_earned"] == 1
    assert r["totals"]["paid"] == "1500.00"
    # 500.00 + 499.99 = 999.99 → 0 points, 999.99 carried (not lost).
    r = sign(api, mid, "SP-2", "2026-03-02T10:00:00+08:00", [order(1, "499.99")])
    assert r["points_earned"] == 0
    # 999.99 + 0.01 = 1000.00 → 1 point, nothing carried.
    r = sign(api, mid, "SP-3", "2026-03-03T10:00:00+08:00", [order(1, "0.01")])
    assert r["points_earned"] == 1
    # 0.00 + 2999.99 → 2 points, 999.99 carried.
    r = sign(api, mid, "SP-4", "2026-03-04T10:00:00+08:00", [order(1, "2999.99")])
    assert r["points_earned"] == 2
    # 999.99 + 2 × 500.00 = 1999.99 → 1 point (lines of one order count together).
    r = sign(api, mid, "SP-5", "2026-03-05T10:00:00+08:00", [order(1, "500.00", qty="2")])
    assert r["points_earned"] == 1
    assert r["balance"] == 5  # 1 + 0 + 1 + 2 + 1


def test_carry_is_per_salesperson(make_api):
    api = make_api("sales_points")
    a = enroll(api)
    b = enroll(api, phone="13900139001")
    sign(api, a, "SP-A1", "2026-03-01T10:00:00+08:00", [order(1, "999.99")])  # a carries 999.99
    # b has nothing carried: 0.01 → 0 points.
    r = sign(api, b, "SP-B1", "2026-03-01T11:00:00+08:00", [order(1, "0.01")])
    assert r["points_earned"] == 0
    # a: 999.99 + 0.01 = 1000.00 → 1 point.
    r = sign(api, a, "SP-A2", "2026-03-01T12:00:00+08:00", [order(1, "0.01")])
    assert r["points_earned"] == 1


def test_points_are_valid_to_the_end_of_the_year_earned(make_api):
    api = make_api("sales_points")
    mid = enroll(api)
    sign(api, mid, "SP-Y1", "2026-03-01T10:00:00+08:00", [order(1, "3000.00")])  # 3 points
    # 2026-12-31 23:59 Shanghai (15:59Z) is still 2026 → cleared with the year.
    sign(api, mid, "SP-Y2", "2026-12-31T15:59:00Z", [order(1, "1000.00")])  # 1 point
    # 2026-12-31T16:00Z is 2027-01-01 00:00 in Shanghai → valid through 2027.
    sign(api, mid, "SP-Y3", "2026-12-31T16:00:00Z", [order(1, "2000.00")])  # 2 points

    def balance(as_of: str) -> dict:
        r = api.get(f"/members/{mid}/balance", params={"as_of": as_of})
        assert r.status_code == 200, r.text
        return r.json()

    end = balance("2026-12-31T23:59:59+08:00")
    assert end["points"] == 4
    assert end["expiring"] == [{"expires_at": "2027-01-01T00:00:00+08:00", "points": 4}]
    new_year = balance("2027-01-01T00:00:00+08:00")
    assert new_year["points"] == 2
    assert new_year["expiring"] == [{"expires_at": "2028-01-01T00:00:00+08:00", "points": 2}]


def test_a_returned_order_takes_its_points_back(make_api):
    api = make_api("sales_points")
    mid = enroll(api)
    # Two lines, 1500.00 and 1000.00: 2500.00 → 2 points spread 2 × 1500/2500 = 1.2 and
    # 2 × 1000/2500 = 0.8: floors 1 and 0, the missing point to the larger remainder → 1 and 1.
    r = sign(
        api, mid, "SP-R", "2026-03-01T10:00:00+08:00", [order(1, "1500.00"), order(2, "1000.00")]
    )
    assert [li["points"] for li in r["lines"]] == [1, 1]
    back = api.post(
        "/purchases/SP-R/returns",
        {
            "return_no": "SPR-1",
            "occurred_at": "2026-03-02T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}, {"line_no": 2, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert (back.json()["points_reversed"], back.json()["balance"]) == (2, 0)


def test_a_returned_order_leaves_the_carried_remainder(make_api):
    api = make_api("sales_points")
    mid = enroll(api)
    # 600.00 → 0 points, 600.00 carried; 600.00 → 1200.00 → 1 point, 200.00 carried.
    r = sign(api, mid, "SP-C1", "2026-03-01T10:00:00+08:00", [order(1, "600.00")])
    assert r["points_earned"] == 0
    r = sign(api, mid, "SP-C2", "2026-03-02T10:00:00+08:00", [order(1, "600.00")])
    assert r["points_earned"] == 1
    # The first order is returned: its 600.00 is no longer signed money. The running total
    # falls from 1200.00 to 600.00, below the one step already paid: the carried 200.00
    # absorbs 200.00, the other 400.00 costs that step (1 point back) and leaves
    # 1000.00 − 400.00 = 600.00 carried. After the next 800.00 the signed orders,
    # 600.00 + 800.00 = 1400.00, have earned floor(1400.00 / 1000.00) = 1 point in all.
    back = api.post(
        "/purchases/SP-C1/returns",
        {
            "return_no": "SPC-1",
            "occurred_at": "2026-03-03T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert back.json()["points_reversed"] == 1
    assert back.json()["balance"] == 0
    r = sign(api, mid, "SP-C3", "2026-03-04T10:00:00+08:00", [order(1, "800.00")])
    assert r["points_earned"] == 1  # 600.00 + 800.00 = 1400.00 → 1 step, 400.00 carried
    assert r["balance"] == 1
