"""alliance rewards — SCHEMES.md §2: gifts for points; a gift redemption of 10000 points or more
needs a reservation at least 10 days ahead; redemption by Dec 31 (points clear on Jan 1); gifts
are not returned; points are not transferable. Through the HTTP API.

Earning (for the set-up): 9.5折, then 1 point per full 10.00 of the receipt.
Catalogue (the preset's example): tea_set 2000 (stock 50), rice_cooker 6000 (20), bicycle
12000 (5).
"""

from __future__ import annotations

from .rewards_kit import ID, buy, enroll, line, points, redeem, redemption, refused, stock


def test_gifts_reservations_stock_and_the_dec31_deadline(make_api):
    api = make_api("alliance")
    a = enroll(api, "13800138000", id_number=ID, qualifying_spend="200.00")
    b = enroll(api, "13900139000", id_number=ID, qualifying_spend="200.00")
    # 140000.00 × 0.95 = 133000.00 → 13300 full 10.00 steps → 13300 points.
    p1 = buy(api, a, "P1", "2026-03-01T10:00:00+08:00", [line(1, "140000.00", "daily")])
    assert p1["balance"] == 13300
    kinds = {
        i["code"]: (i["kind"], i["points"], i["stock"]) for i in api.get("/rewards").json()["items"]
    }
    assert kinds == {
        "tea_set": ("gift", 2000, 50),
        "rice_cooker": ("gift", 6000, 20),
        "bicycle": ("gift", 12000, 5),
    }

    at = "2026-03-01T12:00:00+08:00"  # business date Mar 1
    # 12000 ≥ 10000: a reservation is needed, at least 10 days ahead of Mar 1.
    refused(api, "/redemptions", redemption(a, "X1", "bicycle", at), "reservation_required")
    body = redemption(a, "X1", "bicycle", at, reserved_for="2026-03-10")  # 9 days
    refused(api, "/redemptions", body, "reservation_required")
    x1 = redeem(api, a, "X1", "bicycle", at, reserved_for="2026-03-11")  # 10 days
    # 13300 − 12000 = 1300; a gift has no money value; one bicycle fewer (5 → 4).
    assert (x1["points"], x1["value"], x1["kind"], x1["balance"]) == (12000, "0.00", "gift", 1300)
    assert x1["voucher_code"] is None
    assert stock(api, "bicycle") == 4
    # The threshold is on the redemption's points: two rice cookers are 12000 too.
    body = redemption(a, "X2", "rice_cooker", at, quantity=2)
    refused(api, "/redemptions", body, "reservation_required")
    # Five bicycles when four are left: out of stock (checked before the points).
    body = redemption(a, "X2", "bicycle", at, quantity=5, reserved_for="2026-03-20")
    refused(api, "/redemptions", body, "out_of_stock")
    assert stock(api, "bicycle") == 4
    # 1300 < 2000.
    refused(api, "/redemptions", redemption(a, "X2", "tea_set", at), "insufficient_points")

    # 10000.00 × 0.95 = 9500.00 → 950 points: 1300 + 950 = 2250, all earned in 2026.
    assert buy(api, a, "P2", "2026-12-20T10:00:00+08:00", [line(1, "10000.00")])["balance"] == 2250
    # Redemption by Dec 31: on Jan 1 2027 the 2026 points are cleared (usable 0) …
    body = redemption(a, "X3", "tea_set", "2027-01-01T00:00:00+08:00")
    r = refused(api, "/redemptions", body, "insufficient_points")
    assert r["available"] == 0
    # … while on Dec 31 23:59:59 they still buy the tea set: 2250 − 2000 = 250.
    x3 = redeem(api, a, "X3b", "tea_set", "2026-12-31T23:59:59+08:00")
    assert x3["balance"] == 250 and stock(api, "tea_set") == 49
    # Points stay with the card: no transfers.
    transfer = {"transfer_no": "T1", "from_member": a, "to_member": b, "points": 100}
    refused(api, "/transfers", transfer, "not_transferable")
    assert (points(api, a), points(api, b)) == (250, 0)
