"""online_shop rewards — SCHEMES.md §5, through the HTTP API.

Offset 100 points = 1.00 at checkout (0.01 a point: any whole number of points), only points
earned before the order, no more than the goods after the member discount. 银牌 (and 金牌) a
monthly coupon; 金牌 a birthday gift (once in the birthday month). Points are not transferable.
Earning (for the set-up): 1 point per 1.00 paid; 银牌 at 5000.00 spent in 365 days (9折),
金牌 at 20000.00 (85折).
"""

from __future__ import annotations

from .rewards_kit import buy, enroll, line, points, refused, use


def test_offset_coupons_and_birthday_gift(make_api):
    api = make_api("online_shop")
    a = enroll(api, "13800138000", birthday="1990-08-01")
    b = enroll(api, "13900139000")
    g = enroll(api, "13700137000", birthday="1990-08-08")
    # 5000.00 at 普通 → 5000 points; now 银牌.
    p1 = buy(api, a, "P1", "2026-03-01T10:00:00+08:00", [line(1, "5000.00")])
    assert (p1["balance"], p1["tier_changed"]["to"]) == (5000, "silver")

    def order(no: str, at: str, redeem: int) -> dict:
        return {
            "receipt_no": no,
            "member_id": a,
            "occurred_at": at,
            "points_to_redeem": redeem,
            "lines": [line(1, "10.00"), line(2, "5.00")],
        }

    # An order dated before the points were earned cannot use them.
    r = refused(
        api, "/purchases", order("P0", "2026-03-01T09:00:00+08:00", 1), "insufficient_points"
    )
    assert r["available"] == 0
    # 10.00 + 5.00 at 银牌 → 9.00 + 4.50 = 13.50 of goods: at most 1350 points.
    r = refused(
        api, "/purchases", order("P2", "2026-03-02T10:00:00+08:00", 1351), "offset_cap_exceeded"
    )
    assert r["max_points"] == 1350
    # 150 points = 1.50, spread 9.00 : 4.50 → 1.00 + 0.50 → paid 8.00 + 4.00 → 8 + 4 = 12
    # points. 5000 − 150 + 12 = 4862.
    p2 = buy(
        api,
        a,
        "P2",
        "2026-03-02T10:00:00+08:00",
        [line(1, "10.00"), line(2, "5.00")],
        points_to_redeem=150,
    )
    assert p2["totals"]["points_offset"] == "1.50"
    assert [(li["paid"], li["points"]) for li in p2["lines"]] == [("8.00", 8), ("4.00", 4)]
    assert p2["balance"] == 4862
    transfer = {"transfer_no": "T1", "from_member": a, "to_member": b, "points": 100}
    refused(api, "/transfers", transfer, "not_transferable")
    assert points(api, a) == 4862

    # The monthly coupon: 银牌, once per calendar month; not for 普通.
    r = use(api, a, "monthly_coupon", "C1", "2026-06-05T10:00:00+08:00")
    assert r.status_code == 201 and r.json()["period"] == "2026-06"
    r = use(api, a, "monthly_coupon", "C2", "2026-06-30T23:59:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "already_used")
    r = use(api, a, "monthly_coupon", "C3", "2026-07-01T00:00:00+08:00")
    assert r.status_code == 201 and r.json()["period"] == "2026-07"
    r = use(api, b, "monthly_coupon", "C4", "2026-06-05T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")

    # The birthday gift: 金牌 only (20000.00 → 金牌), once in the birthday month (August).
    assert (
        buy(api, g, "PG", "2026-03-01T10:00:00+08:00", [line(1, "20000.00")])["tier_changed"]["to"]
        == "gold"
    )
    r = use(api, g, "birthday_gift", "G1", "2026-08-20T10:00:00+08:00")
    assert r.status_code == 201 and r.json()["period"] == "2026-08"
    r = use(api, g, "birthday_gift", "G2", "2026-08-21T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "already_used")
    r = use(api, a, "birthday_gift", "G3", "2026-08-20T10:00:00+08:00")  # 银牌
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
    assert use(api, g, "monthly_coupon", "G4", "2026-08-20T10:00:00+08:00").status_code == 201
