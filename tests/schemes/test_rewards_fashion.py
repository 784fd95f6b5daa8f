"""fashion rewards — SCHEMES.md §14 "Vouchers: points / 50 = voucher yuan" and "Birthday gift for
金卡+, a further surprise gift for 钻石卡+", through the HTTP API.

A voucher is bought with a multiple of 50 points (50 points = 1.00), deducted from the balance
but not from cumulative points (card applications); at checkout it is money off spread pro rata
over the lines, whose points drop with it. Birthday gift (card or ID checked) for 金卡, 钻石卡,
金钻卡 and a surprise gift for 钻石卡, 金钻卡, on the birthday, once a year.
Earning (for the set-up): 9折; 1 point per 1.00 paid; 金卡 and above ×2. Cards by paid
application: 金卡 5000 cumulative points (50.00), 钻石卡 10000 (100.00).
"""

from __future__ import annotations

from .rewards_kit import buy, enroll, entitlements, line, redeem, redemption, refused, use

BIRTHDAY = "2026-05-17T10:00:00+08:00"


def apply(api, mid: str, no: str, tier: str, fee: str) -> None:
    body = {
        "application_no": no,
        "tier": tier,
        "fee_paid": fee,
        "occurred_at": "2026-03-05T10:00:00+08:00",
    }
    r = api.post(f"/members/{mid}/tier-applications", body)
    assert r.status_code == 201 and r.json()["tier"] == tier, r.text


def test_points_vouchers_and_birthday_gifts_by_card(make_api):
    api = make_api("fashion")
    a = enroll(api, "13800138000", birthday="1990-05-17", fee_paid="10.00")
    b = enroll(api, "13900139000", birthday="1992-05-17", fee_paid="10.00")
    # 12000.00 × 0.9 = 10800.00 → 10800 points.
    assert (
        buy(api, a, "P1", "2026-03-01T10:00:00+08:00", [line(1, "12000.00", "apparel")])["balance"]
        == 10800
    )
    at = "2026-03-02T10:00:00+08:00"
    refused(api, "/redemptions", redemption(a, "X1", "voucher", at), "points_required")
    refused(api, "/redemptions", redemption(a, "X1", "voucher", at, points=2520), "not_a_multiple")
    # 2500 / 50 = 50.00; 10800 − 2500 = 8300.
    x1 = redeem(api, a, "X1", "voucher", at, points=2500)
    assert (x1["kind"], x1["points"], x1["value"], x1["balance"]) == (
        "voucher",
        2500,
        "50.00",
        8300,
    )
    voucher = x1["voucher_code"]
    # Redeeming leaves cumulative points at 10800: 钻石卡 (10000) may still be applied for.
    apply(api, a, "APP1", "diamond", "100.00")

    # At 钻石卡: 300.00 + 200.00 → 270.00 + 180.00; the 50.00 voucher spread 270 : 180 →
    # 30.00 + 20.00 → paid 240.00 + 160.00 → ×2 = 480 + 320 = 800 (without it 900). 8300 + 800.
    p2 = buy(
        api,
        a,
        "P2",
        "2026-03-10T10:00:00+08:00",
        [line(1, "300.00", "apparel"), line(2, "200.00", "apparel")],
        vouchers=[voucher],
    )
    assert [(li["paid"], li["points"]) for li in p2["lines"]] == [("240.00", 480), ("160.00", 320)]
    assert (p2["totals"]["vouchers"], p2["points_earned"], p2["balance"]) == ("50.00", 800, 9100)
    again = {
        "receipt_no": "P3",
        "member_id": a,
        "occurred_at": "2026-03-11T10:00:00+08:00",
        "lines": [line(1, "100.00", "apparel")],
        "vouchers": [voucher],
    }
    refused(api, "/purchases", again, "voucher_used")

    # Birthdays (May 17). 钻石卡: the gift (card or ID checked) and the surprise gift.
    listed = entitlements(api, a, BIRTHDAY)
    assert (listed["birthday_gift"]["available"], listed["birthday_gift"]["needs_id_check"]) == (
        True,
        True,
    )
    assert listed["surprise_gift"]["available"] is True
    assert use(api, a, "birthday_gift", "A1", BIRTHDAY).status_code == 201
    assert use(api, a, "surprise_gift", "A2", BIRTHDAY).status_code == 201
    r = use(api, a, "birthday_gift", "A3", "2026-05-17T20:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "already_used")
    r = use(api, a, "surprise_gift", "A4", "2026-05-18T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")  # the day after
    # 普通: neither. 6000.00 × 0.9 = 5400 points → 金卡: the gift, not the surprise.
    r = use(api, b, "birthday_gift", "B1", BIRTHDAY)
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
    assert (
        buy(api, b, "PB", "2026-03-01T10:00:00+08:00", [line(1, "6000.00", "apparel")])["balance"]
        == 5400
    )
    apply(api, b, "APP2", "gold", "50.00")
    assert use(api, b, "birthday_gift", "B2", BIRTHDAY).status_code == 201
    r = use(api, b, "surprise_gift", "B3", BIRTHDAY)
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
