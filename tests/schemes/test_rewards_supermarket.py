"""supermarket rewards — SCHEMES.md §1 "Redeem" and "Birthday", through the HTTP API.

Vouchers at fixed steps (points deducted = the step): 1500 → 20.00, 4000 → 50.00,
8000 → 80.00, 10000 → 100.00, only in the last 7 days of Mar, Jun, Sep, Dec. A voucher is money
off a later receipt spread pro rata over its lines (so their points drop), used once, valid 90
days from its business date (the preset's number). Birthday gift on the day, once a year.
Earning (for the set-up): 1 point per 1.00 paid; tobacco earns 0.
"""

from __future__ import annotations

from .rewards_kit import (
    ID,
    buy,
    enroll,
    entitlements,
    ledger,
    line,
    points,
    redeem,
    redemption,
    refused,
    use,
)


def test_vouchers_in_the_quarterly_window_at_checkout_and_the_birthday_gift(make_api):
    api = make_api("supermarket")
    a = enroll(api, "13800138000", id_number=ID, fee_paid="5.00", birthday="1990-05-17")
    b = enroll(api, "13900139000", id_number=ID, fee_paid="5.00")
    # 12000.00 of food → 12000 points (1 per 1.00).
    assert buy(api, a, "P1", "2026-03-20T10:00:00+08:00", [line(1, "12000.00")])["balance"] == 12000

    rewards = {i["code"]: i for i in api.get("/rewards").json()["items"]}
    assert {c: (i["kind"], i["points"], i["value"]) for c, i in rewards.items()} == {
        "voucher_20": ("voucher", 1500, "20.00"),
        "voucher_50": ("voucher", 4000, "50.00"),
        "voucher_80": ("voucher", 8000, "80.00"),
        "voucher_100": ("voucher", 10000, "100.00"),
    }

    # The window: March has 31 days, so the last 7 are Mar 25–31 (business dates, +08:00).
    for at in (
        "2026-03-24T23:59:59+08:00",
        "2026-04-01T00:00:00+08:00",
        "2026-06-23T12:00:00+08:00",
    ):
        body = redemption(a, "X0", "voucher_20", at)
        refused(api, "/redemptions", body, "outside_redemption_window")
    # Mar 25 00:00: open. 12000 − 1500 = 10500.
    x1 = redeem(api, a, "X1", "voucher_20", "2026-03-25T00:00:00+08:00")
    assert (x1["points"], x1["value"], x1["kind"], x1["balance"]) == (
        1500,
        "20.00",
        "voucher",
        10500,
    )
    v20 = x1["voucher_code"]
    assert v20
    # The same request again answers the same and deducts nothing; the same number for another
    # reward is a conflict.
    again = api.post("/redemptions", redemption(a, "X1", "voucher_20", "2026-03-25T00:00:00+08:00"))
    assert again.status_code == 201 and again.json() == x1
    refused(
        api,
        "/redemptions",
        redemption(a, "X1", "voucher_50", "2026-03-25T00:00:00+08:00"),
        "number_reused",
        409,
    )
    # Mar 31 23:59:59 is still in: 10500 − 10000 = 500.
    x2 = redeem(api, a, "X2", "voucher_100", "2026-03-31T23:59:59+08:00")
    assert (x2["points"], x2["value"], x2["balance"]) == (10000, "100.00", 500)
    v100 = x2["voucher_code"]
    # 500 < 4000.
    r = refused(
        api,
        "/redemptions",
        redemption(a, "X3", "voucher_50", "2026-03-31T12:00:00+08:00"),
        "insufficient_points",
    )
    assert (r["wanted"], r["available"]) == (4000, 500)
    # June's window opens on Jun 24 (30 − 7 = 23): then the refusal is the points, not the window.
    refused(
        api,
        "/redemptions",
        redemption(a, "X4", "voucher_20", "2026-06-24T00:00:00+08:00"),
        "insufficient_points",
    )
    refused(
        api,
        "/redemptions",
        redemption(a, "X5", "gift", "2026-03-25T10:00:00+08:00"),
        "reward_not_found",
        404,
    )
    # Redeeming is a ledger entry of its own, kind redeem, with the redemption's number.
    redeems = [(e["kind"], e["points"], e["ref"]) for e in ledger(api, a) if e["kind"] == "redeem"]
    assert sorted(redeems) == [("redeem", -10000, "X2"), ("redeem", -1500, "X1")]

    # At checkout the 20.00 is spread pro rata over what is left to pay: 60 : 30 : 10 →
    # 12.00, 6.00, 2.00; paid 48.00, 24.00, 8.00 → points 48 + 24 + 0 (tobacco) = 72
    # (without the voucher: 60 + 30 = 90). Balance 500 + 72 = 572.
    p2 = buy(
        api,
        a,
        "P2",
        "2026-04-02T10:00:00+08:00",
        [line(1, "60.00"), line(2, "30.00", "daily"), line(3, "10.00", "tobacco")],
        vouchers=[v20],
    )
    assert p2["totals"]["vouchers"] == "20.00" and p2["totals"]["paid"] == "80.00"
    assert [(li["paid"], li["points"]) for li in p2["lines"]] == [
        ("48.00", 48),
        ("24.00", 24),
        ("8.00", 0),
    ]
    assert (p2["points_earned"], p2["balance"]) == (72, 572)

    def receipt(no: str, at: str, codes: list[str], member: str = a) -> dict:
        return {
            "receipt_no": no,
            "member_id": member,
            "occurred_at": at,
            "lines": [line(1, "30.00")],
            "vouchers": codes,
        }

    # Used once only; an unknown code and another member's voucher are "not found".
    refused(api, "/purchases", receipt("P3", "2026-04-03T10:00:00+08:00", [v20]), "voucher_used")
    refused(
        api,
        "/purchases",
        receipt("P3", "2026-04-03T10:00:00+08:00", ["VNOSUCHCODE2"]),
        "voucher_not_found",
    )
    refused(
        api,
        "/purchases",
        receipt("P3", "2026-04-03T10:00:00+08:00", [v100], b),
        "voucher_not_found",
    )
    # The 100.00 voucher was issued on Mar 31 (business date): + 90 days = Jun 29, so it is
    # usable before 2026-06-29 00:00 +08:00 and expired from then on.
    refused(
        api, "/purchases", receipt("P4", "2026-06-29T00:00:00+08:00", [v100]), "voucher_expired"
    )
    # On Jun 28 23:59 it pays the whole 30.00 (a voucher gives no change): paid 0.00, 0 points.
    p5 = buy(api, a, "P5", "2026-06-28T23:59:00+08:00", [line(1, "30.00")], vouchers=[v100])
    assert (p5["totals"]["vouchers"], p5["totals"]["paid"], p5["points_earned"]) == (
        "30.00",
        "0.00",
        0,
    )
    assert p5["balance"] == 572
    mine = {
        v["code"]: (v["status"], v["used_receipt"])
        for v in api.get(f"/members/{a}/vouchers").json()["items"]
    }
    assert mine == {v20: ("used", "P2"), v100: ("used", "P5")}
    # No points offset at checkout in this scheme.
    body = receipt("P6", "2026-04-03T10:00:00+08:00", [])
    refused(api, "/purchases", {**body, "points_to_redeem": 10}, "offset_not_available")

    # Birthday gift: on May 17 itself (card + ID checked by staff), once a year, no points.
    listed = entitlements(api, a, "2026-05-17T10:00:00+08:00")["birthday_gift"]
    assert (listed["available"], listed["remaining"], listed["needs_id_check"]) == (True, 1, True)
    r = use(api, a, "birthday_gift", "B0", "2026-05-16T23:59:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
    # Without staff checking the card and ID ("凭会员卡和身份证"), nothing is handed out.
    r = use(api, a, "birthday_gift", "B1", "2026-05-17T10:00:00+08:00", id_checked=False)
    assert (r.status_code, r.json()["code"]) == (422, "id_check_required")
    r = use(api, a, "birthday_gift", "B1", "2026-05-17T10:00:00+08:00")
    assert r.status_code == 201 and r.json()["period"] == "2026"
    r = use(api, a, "birthday_gift", "B2", "2026-05-17T18:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "already_used")
    listed = entitlements(api, a, "2026-05-17T19:00:00+08:00")["birthday_gift"]
    assert (listed["available"], listed["remaining"]) == (False, 0)
    r = use(api, a, "birthday_gift", "B3", "2027-05-17T10:00:00+08:00")
    assert r.status_code == 201 and r.json()["period"] == "2027"
    # No birthday on file: nothing to claim.
    r = use(api, b, "birthday_gift", "B4", "2026-05-17T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
    assert points(api, a) == 572
