"""counter rewards — SCHEMES.md §3 "Offset" and "Shared account", through the HTTP API.

Offset: 1 point = 1.00, any amount up to the usable balance, only points earned before this
receipt; the offset part of a line earns nothing; a return gives the offset points back pro
rata. Shared account: authorised users earn into it; when one spends its points the request
carries the holder's consent (phone confirmation, the user's name, ID number, address, mobile,
signature), kept sealed with it. Pressing and alterations: a standing service.
Earning (for the set-up): rebate 8.8% of paid on lines at ≥ 0.80 of the tag price, 1:1 points,
rounded down per line.
"""

from __future__ import annotations

from sqlalchemy import select

from huiyuan.store.schema import consents

from .rewards_kit import ID, ID2, buy, enroll, entitlements, line, points, refused, use

ADDRESS = "北京市朝阳区建国路1号"
CONSENT = {
    "holder_confirmed_by_phone": True,
    "user_name": "李雷",
    "user_id_number": ID2,
    "user_address": "北京市海淀区中关村大街2号",
    "user_mobile": "13700137000",
    "signature": "李雷",
}


def test_offset_with_only_earlier_points_and_its_refund_on_return(make_api):
    api = make_api("counter")
    a = enroll(api, "13800138000", id_number=ID, address=ADDRESS)
    # 1000.00 at the tag price → 8.8% → 88.00 → 88 points, earned at 10:00.
    assert buy(api, a, "P1", "2026-03-28T10:00:00+08:00", [line(1, "1000.00")])["balance"] == 88

    def receipt(no: str, at: str, redeem: int, *lines: dict) -> dict:
        return {
            "receipt_no": no,
            "member_id": a,
            "occurred_at": at,
            "points_to_redeem": redeem,
            "lines": list(lines) or [line(1, "100.00")],
        }

    # A till syncing a 09:00 receipt late: the 88 points were earned at 10:00, after it, so
    # none of them may pay it.
    r = refused(
        api, "/purchases", receipt("P0", "2026-03-28T09:00:00+08:00", 1), "insufficient_points"
    )
    assert (r["wanted"], r["available"]) == (1, 0)
    # More than the balance.
    body = receipt("P2", "2026-03-28T11:00:00+08:00", 89)
    assert refused(api, "/purchases", body, "insufficient_points")["available"] == 88
    # 50 points = 50.00, spread 300 : 200 → 30.00 and 20.00; paid 270.00 and 180.00 earn
    # 8.8%: 23.76 → 23 and 15.84 → 15 = 38 (the offset part earns nothing: without it,
    # 26 + 17 = 43). Balance 88 − 50 + 38 = 76.
    p2 = buy(
        api,
        a,
        "P2",
        "2026-03-28T11:00:00+08:00",
        [line(1, "300.00"), line(2, "200.00")],
        points_to_redeem=50,
    )
    assert p2["totals"]["points_offset"] == "50.00" and p2["totals"]["paid"] == "450.00"
    assert [(li["paid"], li["points"]) for li in p2["lines"]] == [("270.00", 23), ("180.00", 15)]
    assert (p2["points_redeemed"], p2["points_earned"], p2["balance"]) == (50, 38, 76)
    # Returning line 1: its 23 points are clawed back and the 30 offset points that paid it
    # (50 split 30 : 20) come back: 76 − 23 + 30 = 83.
    r = api.post(
        "/purchases/P2/returns",
        {
            "return_no": "RT1",
            "occurred_at": "2026-03-29T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert r.status_code == 201, r.text
    assert (r.json()["points_reversed"], r.json()["points_refunded"], r.json()["balance"]) == (
        23,
        30,
        83,
    )
    # Points are not transferable (the shared account is how others use them).
    b = enroll(api, "13900139000", id_number=ID, address=ADDRESS)
    transfer = {"transfer_no": "T1", "from_member": a, "to_member": b, "points": 10}
    refused(api, "/transfers", transfer, "not_transferable")


def test_shared_account_users_earn_and_spend_with_consent(make_api):
    api = make_api("counter")
    a = enroll(api, "13800138000", id_number=ID, address=ADDRESS)
    assert buy(api, a, "P1", "2026-03-28T10:00:00+08:00", [line(1, "1000.00")])["balance"] == 88
    user = {"name": "李雷", "mobile": "13700137000", "id_number": ID2, "address": "北京市海淀区"}
    r = api.post(f"/members/{a}/account-users", user)
    assert r.status_code == 201, r.text
    assert r.json() == {"user_no": "U001", "name": "李雷", "mobile": "137****7000"}
    listed = api.get(f"/members/{a}/account-users").json()["items"]
    assert [(u["user_no"], u["status"]) for u in listed] == [("U001", "active")]

    def receipt(no: str, redeem: int = 0, **kw: object) -> dict:
        return {
            "receipt_no": no,
            "member_id": a,
            "occurred_at": "2026-04-01T10:00:00+08:00",
            "points_to_redeem": redeem,
            "lines": [line(1, "100.00")],
            **kw,
        }

    # The user buys in the holder's name: 100.00 → 8.80 → 8 points into the account (96).
    p3 = buy(api, a, "P3", "2026-04-01T10:00:00+08:00", [line(1, "100.00")], account_user="U001")
    assert p3["balance"] == 96
    refused(api, "/purchases", receipt("P4", account_user="U999"), "not_authorised_user")
    # Spending the account's points needs the holder's consent, confirmed by phone.
    refused(api, "/purchases", receipt("P4", 10, account_user="U001"), "consent_required")
    unconfirmed = {**CONSENT, "holder_confirmed_by_phone": False}
    body = receipt("P4", 10, account_user="U001", consent=unconfirmed)
    refused(api, "/purchases", body, "consent_required")
    # With it: 10 points pay 10.00; 90.00 paid → 7.92 → 7 points. 96 − 10 + 7 = 93.
    p4 = buy(
        api,
        a,
        "P4",
        "2026-04-01T10:00:00+08:00",
        [line(1, "100.00")],
        points_to_redeem=10,
        account_user="U001",
        consent=CONSENT,
    )
    assert (p4["totals"]["points_offset"], p4["points_earned"], p4["balance"]) == ("10.00", 7, 93)
    # The consent is kept with the spending; the ID number, address and mobile are sealed.
    with api.ctx.engine.connect() as conn:
        rows = list(conn.execute(select(consents)))
    assert [(c.ref_kind, c.ref, c.user_no, c.holder_confirmed_by_phone) for c in rows] == [
        ("purchase", "P4", "U001", True)
    ]
    assert (rows[0].user_name, rows[0].signature) == ("李雷", "李雷")
    assert ID2 not in rows[0].user_id_number_enc and "13700137000" not in rows[0].user_mobile_enc
    assert api.ctx.sealer.open(rows[0].user_id_number_enc) == ID2
    assert points(api, a) == 93

    # Pressing and alterations: as often as needed, each use recorded.
    for no in ("S1", "S2"):
        r = use(api, a, "pressing_alterations", no, "2026-04-02T10:00:00+08:00")
        assert r.status_code == 201 and r.json()["period"] == "standing", r.text
    listed = entitlements(api, a, "2026-04-02T11:00:00+08:00")["pressing_alterations"]
    assert (listed["available"], listed["remaining"]) == (True, None)
