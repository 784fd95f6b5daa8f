"""online_shop — 普通/铜牌/银牌/金牌 platform (SCHEMES.md §5, seed 001), through the HTTP API.

1 point per 1.00 paid; tiers by spend or order count in the trailing 365 days (铜牌 2000.00 or
10 orders 95折, 银牌 5000.00 or 20 orders 9折, 金牌 20000.00 or 50 orders 85折); check-in 5
points, every 7th consecutive day +20; a review 10 points once per line; a referred friend's
first purchase 100 points to the referrer; points expire 2 years after they were earned.
"""

from __future__ import annotations

from typing import Any

from .kit import buy

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"


def enroll(api: Any, phone: str = "13800138000", joined: str = JOINED, **fields: Any) -> str:
    body = {"name": "王芳", "phone": phone, "joined_at": joined, **fields}
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


def points(api: Any, mid: str) -> int:
    return api.get(f"/members/{mid}").json()["points"]


def test_regular_earns_one_point_per_yuan_without_discount(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    r = buy(
        api,
        mid,
        "O-1",
        SOLD,
        [
            line(1, "35.50", qty="2"),  # 2 × 35.50 = 71.00 → 71 points
            line(2, "0.99"),  # 0.99 → 0 points (rounded down per line)
            line(3, "19.99", qty="3"),  # 59.97 → 59 points
        ],
    )
    assert [li["points"] for li in r["lines"]] == [71, 0, 59]
    assert r["points_earned"] == 130
    assert r["totals"]["member_discount"] == "0.00"  # 普通 has no discount
    assert r["totals"]["paid"] == "131.96"  # 71.00 + 0.99 + 59.97
    assert r["balance"] == 130


def test_tenth_order_in_365_days_makes_bronze_then_95_percent(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    for day in range(1, 10):  # 9 orders of 10.00 → 10 points each
        r = buy(api, mid, f"O-N{day}", f"2026-03-{day:02d}T10:00:00+08:00", [line(1, "10.00")])
        assert r["tier_changed"] is None
    # The 10th order in the trailing 365 days reaches 铜牌; it is priced as 普通 (10.00 → 10).
    r = buy(api, mid, "O-N10", "2026-03-10T10:00:00+08:00", [line(1, "10.00")])
    assert r["tier_changed"] == {"from": "regular", "to": "bronze"}
    assert r["totals"]["member_discount"] == "0.00"
    assert r["points_earned"] == 10
    assert r["balance"] == 100  # 10 × 10
    # The next order is priced at 95折: 100.00 × 5% = 5.00 off → 95.00 → 95 points.
    r = buy(api, mid, "O-N11", "2026-03-11T10:00:00+08:00", [line(1, "100.00")])
    assert r["tier"] == "bronze"
    assert r["lines"][0]["member_discount"] == "5.00"
    assert r["lines"][0]["paid"] == "95.00"
    assert r["points_earned"] == 95
    # 95折 rounding: 33.33 × 5% = 1.6665 → 1.67 off → 31.66 → 31 points.
    r = buy(api, mid, "O-N12", "2026-03-12T10:00:00+08:00", [line(1, "33.33")])
    assert r["lines"][0]["paid"] == "31.66"
    assert r["points_earned"] == 31


def test_orders_older_than_365_days_do_not_count(make_api):
    api = make_api("online_shop")
    mid = enroll(api, joined="2025-02-01T10:00:00+08:00")
    for day in range(1, 10):  # 9 orders, 2025-03-01 … 2025-03-09
        buy(api, mid, f"O-W{day}", f"2025-03-{day:02d}T10:00:00+08:00", [line(1, "10.00")])
    # 2026-03-02 09:00: the window starts 2025-03-02 09:00, so 8 old orders + this one = 9.
    r = buy(api, mid, "O-W10", "2026-03-02T09:00:00+08:00", [line(1, "10.00")])
    assert r["tier_changed"] is None
    # The same day, one more: 8 + 2 = 10 orders in the window → 铜牌.
    r = buy(api, mid, "O-W11", "2026-03-02T09:30:00+08:00", [line(1, "10.00")])
    assert r["tier_changed"] == {"from": "regular", "to": "bronze"}


def test_spend_of_2000_in_365_days_makes_bronze(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    r = buy(api, mid, "O-S1", SOLD, [line(1, "1999.99")])  # 1999.99: one fen short
    assert r["tier_changed"] is None
    assert r["points_earned"] == 1999
    r = buy(api, mid, "O-S2", "2026-03-29T10:00:00+08:00", [line(1, "0.01")])  # 2000.00
    assert r["tier_changed"] == {"from": "regular", "to": "bronze"}
    # 3 more orders reaching 5000.00 paid → 银牌 (9折 from the next order):
    # 3000.00 / 0.95 → list 3157.90 × 5% = 157.895 → 157.90 off → paid 3000.00; 5000.00 total.
    r = buy(api, mid, "O-S3", "2026-03-30T10:00:00+08:00", [line(1, "3157.90")])
    assert r["lines"][0]["paid"] == "3000.00"
    assert r["tier_changed"] == {"from": "bronze", "to": "silver"}
    r = buy(api, mid, "O-S4", "2026-03-31T10:00:00+08:00", [line(1, "100.00")])
    assert r["lines"][0]["paid"] == "90.00"  # 9折
    assert r["points_earned"] == 90


def test_daily_check_in_and_the_seventh_day_bonus(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    answers = []
    for day in range(1, 8):
        r = api.post(
            f"/members/{mid}/check-ins", {"occurred_at": f"2026-03-{day:02d}T08:00:00+08:00"}
        )
        assert r.status_code == 201, r.text
        answers.append(r.json())
    # Days 1–6: 5 each; day 7: 5 + 20 = 25. Balance 6 × 5 + 25 = 55.
    assert [a["points"] for a in answers] == [5, 5, 5, 5, 5, 5, 25]
    assert [a["streak"] for a in answers] == [1, 2, 3, 4, 5, 6, 7]
    assert answers[-1]["balance"] == 55
    again = api.post(f"/members/{mid}/check-ins", {"occurred_at": "2026-03-07T21:00:00+08:00"})
    assert again.status_code == 422
    assert again.json()["code"] == "already_checked_in"
    # Day 8 continues the streak without a bonus: 5.
    r = api.post(f"/members/{mid}/check-ins", {"occurred_at": "2026-03-08T23:59:00+08:00"})
    assert r.json() == {"points": 5, "streak": 8, "balance": 60}
    # 2026-03-08T16:01Z is Mar 9 00:01 in Shanghai: the next business day, streak 9.
    r = api.post(f"/members/{mid}/check-ins", {"occurred_at": "2026-03-08T16:01:00Z"})
    assert r.json() == {"points": 5, "streak": 9, "balance": 65}
    # Skipping Mar 10 breaks the streak: Mar 11 starts again at 1.
    r = api.post(f"/members/{mid}/check-ins", {"occurred_at": "2026-03-11T08:00:00+08:00"})
    assert r.json() == {"points": 5, "streak": 1, "balance": 70}


def test_review_earns_10_points_once_per_line(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    r = buy(api, mid, "O-R", SOLD, [line(1, "50.00"), line(2, "20.00")])
    assert r["balance"] == 70  # 50 + 20
    at = "2026-03-30T10:00:00+08:00"
    r = api.post("/purchases/O-R/reviews", {"line_no": 1, "occurred_at": at})
    assert r.status_code == 201, r.text
    assert r.json()["points"] == 10
    again = api.post("/purchases/O-R/reviews", {"line_no": 1, "occurred_at": at})
    assert again.status_code == 422
    assert again.json()["code"] == "already_reviewed"
    r = api.post("/purchases/O-R/reviews", {"line_no": 2, "occurred_at": at})
    assert r.json()["points"] == 10
    assert points(api, mid) == 90  # 70 + 10 + 10


def test_referrer_gets_100_points_on_the_first_purchase_only(make_api):
    api = make_api("online_shop")
    referrer = enroll(api)
    friend = enroll(api, phone="13900139001", referrer_id=referrer)
    idle = enroll(api, phone="13700137002", referrer_id=referrer)
    assert idle
    assert points(api, referrer) == 0  # registering alone gives nothing
    r = buy(api, friend, "O-F1", SOLD, [line(1, "50.00")])
    assert r["points_earned"] == 50  # the friend's own points
    assert points(api, referrer) == 100
    buy(api, friend, "O-F2", "2026-03-29T10:00:00+08:00", [line(1, "50.00")])
    assert points(api, referrer) == 100  # only the first purchase counts
    assert points(api, friend) == 100  # 50 + 50


def test_points_expire_two_years_after_earning(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    buy(api, mid, "O-E1", SOLD, [line(1, "100.00")])  # 100 points on 2026-03-28
    buy(api, mid, "O-E2", "2026-09-01T10:00:00+08:00", [line(1, "30.00")])  # 30 points

    def balance(as_of: str) -> dict:
        r = api.get(f"/members/{mid}/balance", params={"as_of": as_of})
        assert r.status_code == 200, r.text
        return r.json()

    before = balance("2028-03-27T23:59:59+08:00")
    assert before["points"] == 130
    assert before["expiring"] == [
        {"expires_at": "2028-03-28T00:00:00+08:00", "points": 100},
        {"expires_at": "2028-09-01T00:00:00+08:00", "points": 30},
    ]
    assert balance("2028-03-28T00:00:00+08:00")["points"] == 30
    assert balance("2028-09-01T00:00:00+08:00")["points"] == 0


def test_return_claws_back_exactly(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    r = buy(api, mid, "O-X", SOLD, [line(1, "33.33", qty="3"), line(2, "5.50")])
    # 3 × 33.33 = 99.99 → 99 points; 5.50 → 5 points.
    assert [li["points"] for li in r["lines"]] == [99, 5]
    at = "2026-03-30T10:00:00+08:00"
    back = api.post(
        "/purchases/O-X/returns",
        {"return_no": "OX-1", "occurred_at": at, "lines": [{"line_no": 1, "qty": "1"}]},
    )
    assert back.status_code == 201, back.text
    # floor(99 × 1/3) = 33 back; balance 104 − 33 = 71.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (33, 71)
    back = api.post(
        "/purchases/O-X/returns",
        {
            "return_no": "OX-2",
            "occurred_at": at,
            "lines": [{"line_no": 1, "qty": "2"}, {"line_no": 2, "qty": "1"}],
        },
    )
    # floor(99 × 3/3) − 33 = 66, plus 5 → 71; nothing left.
    assert (back.json()["points_reversed"], back.json()["balance"]) == (71, 0)
