"""sales_points rewards — SCHEMES.md §9, through the HTTP API.

1 point = 1.00 in goods at the points mall; cash-out at 0.60 per point; not transferable.
Earning (for the set-up): 1 point per full 1000.00 of signed orders, the rest carried.
"""

from __future__ import annotations

from .rewards_kit import buy, enroll, line, points, redeem, redemption, refused


def test_points_mall_cash_out_and_no_transfers(make_api):
    api = make_api("sales_points")
    a = enroll(api, "13800138000")
    b = enroll(api, "13900139000")
    # 1500500.00 signed → 1500 points (500.00 carried to the next order).
    assert (
        buy(api, a, "P1", "2026-03-01T10:00:00+08:00", [line(1, "1500500.00")])["balance"] == 1500
    )
    items = {i["code"]: i for i in api.get("/rewards").json()["items"]}
    assert {c: (i["kind"], i["per_points"], i["per_value"]) for c, i in items.items()} == {
        "mall_goods": ("gift", 1, "1.00"),
        "cash_out": ("cash_out", 1, "0.60"),
    }
    at = "2026-03-02T10:00:00+08:00"
    # Goods worth 350.00 for 350 points: 1500 − 350 = 1150.
    x1 = redeem(api, a, "X1", "mall_goods", at, points=350)
    assert (x1["kind"], x1["points"], x1["value"], x1["balance"]) == ("gift", 350, "350.00", 1150)
    # Cash: 1001 × 0.60 = 600.60; 1150 − 1001 = 149.
    x2 = redeem(api, a, "X2", "cash_out", at, points=1001)
    assert (x2["kind"], x2["points"], x2["value"], x2["balance"]) == (
        "cash_out",
        1001,
        "600.60",
        149,
    )
    # A per-point reward needs the points to spend; more than the balance is refused.
    refused(api, "/redemptions", redemption(a, "X3", "cash_out", at), "points_required")
    r = refused(
        api, "/redemptions", redemption(a, "X3", "cash_out", at, points=150), "insufficient_points"
    )
    assert (r["wanted"], r["available"]) == (150, 149)
    # "用户的积分不可转让".
    transfer = {
        "transfer_no": "T1",
        "from_member": a,
        "to_member": b,
        "points": 100,
        "occurred_at": at,
    }
    refused(api, "/transfers", transfer, "not_transferable")
    assert (points(api, a), points(api, b)) == (149, 0)
