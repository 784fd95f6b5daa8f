"""vip_points rewards — SCHEMES.md §8, through the HTTP API.

Offset 10 points = 1.00 in multiples of 10, at most 50% of the goods after the member discount;
gifts from a catalogue (the preset's example: umbrella 300, stock 100); transfers between
members as a balanced pair, the moved points keeping their expiry; never cash; usable only in
the member's store. Birthday month: 银卡 a cleaning; 金卡 cleaning + a 100.00 voucher; 白金卡
cleaning + a 200.00 voucher; each once per birthday month (vouchers valid 30 days, the preset's
number).
Earning (for the set-up): 5/10/15/20% off by tier; per full 100.00 of a receipt 1 (普通, 银卡),
2 (金卡), 3 (白金卡) points; tiers by cumulative spend 1000 / 5000 / 20000; points expire 12
months after earning.
"""

from __future__ import annotations

from .rewards_kit import (
    buy,
    enroll,
    entitlements,
    entries_with_ref,
    line,
    points,
    redeem,
    redemption,
    refused,
    stock,
    use,
)


def test_offset_cap_gifts_and_transfers_as_a_balanced_pair(make_api):
    api = make_api("vip_points")
    a = enroll(api, "13800138000", store="S01")
    c = enroll(api, "13700137000", store="S01")
    # A: 2000.00 × 0.95 = 1900.00 → 19 points (regular: 1 per 100.00), now 银卡.
    p = buy(api, a, "PA", "2026-02-10T10:00:00+08:00", [line(1, "2000.00")])
    assert (p["balance"], p["tier_changed"]) == (19, {"from": "regular", "to": "silver"})
    # C: 100000.00 × 0.95 = 95000.00 → 950 points, now 白金卡 (≥ 20000.00).
    p = buy(api, c, "PC", "2026-03-01T10:00:00+08:00", [line(1, "100000.00")])
    assert (p["balance"], p["tier_changed"]["to"]) == (950, "platinum")
    assert "cash_out" not in {i["kind"] for i in api.get("/rewards").json()["items"]}

    def receipt(no: str, redeem: int, *prices: str) -> dict:
        return {
            "receipt_no": no,
            "member_id": c,
            "occurred_at": "2026-03-02T10:00:00+08:00",
            "points_to_redeem": redeem,
            "lines": [line(i + 1, p) for i, p in enumerate(prices)],
        }

    # 30.00 + 20.00 at 白金卡 (20% off) = 40.00 of goods; 50% of it is 20.00 = 200 points.
    r = refused(api, "/purchases", receipt("P1", 210, "30.00", "20.00"), "offset_cap_exceeded")
    assert r["max_points"] == 200
    refused(api, "/purchases", receipt("P1", 205, "30.00", "20.00"), "not_a_multiple")
    # 300.00 + 200.00 → 240.00 + 160.00; 100 points = 10.00 spread 6.00 + 4.00 → paid 390.00
    # → 3 full 100.00 × 3 = 9 points (without the offset 400.00 → 12). 950 − 100 + 9 = 859.
    p1 = buy(
        api,
        c,
        "P1",
        "2026-03-02T10:00:00+08:00",
        [line(1, "300.00"), line(2, "200.00")],
        points_to_redeem=100,
    )
    assert p1["totals"] == {
        "list": "500.00",
        "member_discount": "100.00",
        "points_offset": "10.00",
        "vouchers": "0.00",
        "paid": "390.00",
    }
    assert [li["paid"] for li in p1["lines"]] == ["234.00", "156.00"]
    assert (p1["points_earned"], p1["balance"]) == (9, 859)

    # A gift: 859 − 300 = 559, one umbrella fewer; only in the member's own store.
    refused(
        api,
        "/redemptions",
        redemption(c, "X1", "umbrella", "2026-03-03T10:00:00+08:00", store="S02"),
        "other_store",
        403,
    )
    x1 = redeem(api, c, "X1", "umbrella", "2026-03-03T10:00:00+08:00", store="S01")
    assert (x1["kind"], x1["points"], x1["balance"]) == ("gift", 300, 559)
    assert stock(api, "umbrella") == 99

    # 转赠: C gives A 500 points → C 59, A 19 + 500 = 519.
    transfer = {
        "transfer_no": "T1",
        "from_member": c,
        "to_member": a,
        "points": 500,
        "occurred_at": "2026-03-04T10:00:00+08:00",
    }
    r = api.post("/transfers", transfer)
    assert r.status_code == 201, r.text
    assert (r.json()["from_balance"], r.json()["to_balance"]) == (59, 519)
    assert api.post("/transfers", transfer).json() == r.json()  # sent again: nothing more
    # Both legs: one entry each, opposite amounts, one correlation id, the caller's number.
    legs = sorted(
        (e.kind, e.member_id, e.points, e.correlation_id) for e in entries_with_ref(api, "T1")
    )
    assert legs == [
        ("transfer_in", a, 500, "transfer:T1"),
        ("transfer_out", c, -500, "transfer:T1"),
    ]
    assert (points(api, a), points(api, c)) == (519, 59)
    # The moved points keep their deadline: drawn from C's lot of Mar 1 (expiring at the start
    # of 2027-03-01), beside A's own 19 of Feb 10.
    expiring = api.get(
        f"/members/{a}/balance", params={"as_of": "2026-03-05T00:00:00+08:00"}
    ).json()["expiring"]
    assert expiring == [
        {"expires_at": "2027-02-10T00:00:00+08:00", "points": 19},
        {"expires_at": "2027-03-01T00:00:00+08:00", "points": 500},
    ]
    refused(
        api, "/transfers", {**transfer, "transfer_no": "T2", "points": 60}, "insufficient_points"
    )
    refused(api, "/transfers", {**transfer, "transfer_no": "T3", "to_member": c}, "same_member")
    # Points stay in their store: not to a member of store S02.
    d = enroll(api, "13600136000", store="S02")
    body = {**transfer, "transfer_no": "T4", "to_member": d, "points": 10}
    refused(api, "/transfers", body, "other_store", 403)
    assert (points(api, c), points(api, d)) == (59, 0)


def test_birthday_month_services_and_vouchers_by_tier(make_api):
    api = make_api("vip_points")
    # 银卡 (2000.00 spent), 金卡 (6000.00 → 5700.00 ≥ 5000.00), 白金卡 (30000.00 → 28500.00).
    a = enroll(api, "13800138000", birthday="1990-05-17")
    b = enroll(api, "13900139000", birthday="1991-05-03")
    c = enroll(api, "13700137000", birthday="--05-20")
    for mid, no, amount, tier in (
        (a, "PA", "2000.00", "silver"),
        (b, "PB", "6000.00", "gold"),
        (c, "PC", "30000.00", "platinum"),
    ):
        assert (
            buy(api, mid, no, "2026-03-01T10:00:00+08:00", [line(1, amount)])["tier_changed"]["to"]
            == tier
        )

    listed = entitlements(api, a, "2026-05-10T10:00:00+08:00")
    assert (
        listed["birthday_cleaning"]["available"],
        listed["birthday_voucher_100"]["available"],
    ) == (True, False)
    # 银卡: the cleaning only, once in May.
    r = use(api, a, "birthday_voucher_100", "A0", "2026-05-10T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
    r = use(api, a, "birthday_cleaning", "A0", "2026-04-30T23:59:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")  # April: not the month
    r = use(api, a, "birthday_cleaning", "A1", "2026-05-10T10:00:00+08:00")
    assert (
        r.status_code == 201
        and r.json()["period"] == "2026-05"
        and r.json()["voucher_code"] is None
    )
    r = use(api, a, "birthday_cleaning", "A2", "2026-05-31T23:59:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "already_used")
    assert use(api, a, "birthday_cleaning", "A3", "2027-05-02T10:00:00+08:00").status_code == 201

    # 金卡: cleaning + a 100.00 voucher; not the 白金卡's 200.00.
    r = use(api, b, "birthday_voucher_200", "B0", "2026-05-20T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
    assert use(api, b, "birthday_cleaning", "B1", "2026-05-20T10:00:00+08:00").status_code == 201
    r = use(api, b, "birthday_voucher_100", "B2", "2026-05-20T10:00:00+08:00")
    assert r.status_code == 201 and r.json()["voucher_value"] == "100.00"
    v100 = r.json()["voucher_code"]
    r = use(api, b, "birthday_voucher_100", "B3", "2026-05-21T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "already_used")
    # Issued May 20, valid 30 days: usable before 2026-06-19 00:00 +08:00.
    late = {
        "receipt_no": "PV",
        "member_id": b,
        "occurred_at": "2026-06-19T00:00:00+08:00",
        "lines": [line(1, "500.00")],
        "vouchers": [v100],
    }
    refused(api, "/purchases", late, "voucher_expired")
    # 500.00 × 0.85 = 425.00 − 100.00 = 325.00 → 3 full 100.00 × 2 = 6 points (not 4 × 2).
    # B's first receipt, priced at 普通: 5700.00 → 57 steps × 1 = 57. 57 + 6 = 63.
    pv = buy(api, b, "PV", "2026-06-18T23:59:00+08:00", [line(1, "500.00")], vouchers=[v100])
    assert (pv["totals"]["vouchers"], pv["totals"]["paid"], pv["points_earned"], pv["balance"]) == (
        "100.00",
        "325.00",
        6,
        63,
    )

    # 白金卡: cleaning + a 200.00 voucher (a birthday without a year works alike).
    r = use(api, c, "birthday_voucher_200", "C1", "2026-05-01T00:00:00+08:00")
    assert r.status_code == 201 and r.json()["voucher_value"] == "200.00"
    assert use(api, c, "birthday_cleaning", "C2", "2026-05-01T00:00:00+08:00").status_code == 201
    # Listed as of the server's clock (the tests' clock stands at 2026-06-01): past May 31.
    vouchers = api.get(f"/members/{c}/vouchers").json()["items"]
    assert [(v["reward"], v["value"], v["status"], v["valid_until"]) for v in vouchers] == [
        ("birthday_voucher_200", "200.00", "expired", "2026-05-31T00:00:00+08:00")
    ]
