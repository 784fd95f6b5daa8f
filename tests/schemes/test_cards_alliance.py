"""alliance — lost cards (SCHEMES.md §2, seed 000 篇二 "会员积分卡的办理、挂失及补办"): reported
in store with the holder's ID document; the new card carries all points of the old one. No
deadline and no fee are set. Hand-worked: 1000.00 at 9.5折 is 950.00 paid, 95 points (1 per full
10.00)."""

from __future__ import annotations

JOINED = "2026-01-05T10:00:00+08:00"
ID = "11010519491231002X"


def test_lost_card_with_the_holders_id_and_the_new_card_keeps_every_point(make_api):
    api = make_api("alliance")
    r = api.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13800138000",
            "id_number": ID,
            "qualifying_spend": "200.00",
            "merchant": "M01",
            "joined_at": JOINED,
        },
    )
    assert r.status_code == 201, r.text
    mid, card = r.json()["member_id"], r.json()["card_no"]
    line = {"line_no": 1, "sku": "A", "category": "food", "qty": "1", "list_price": "1000.00"}
    sale = {"receipt_no": "R1", "card_no": card, "merchant": "M01", "lines": [line]}
    r = api.post("/purchases", {**sale, "occurred_at": "2026-02-01T10:00:00+08:00"})
    assert (r.status_code, r.json()["balance"]) == (201, 95), r.text

    by_phone = {"channel": "phone", "name": "王芳", "phone": "13800138000", "password": "1234"}
    r = api.post(f"/cards/{card}/report-lost", by_phone)
    assert (r.status_code, r.json()["code"]) == (422, "channel_not_offered")
    in_store = {"channel": "store", "id_number": ID, "occurred_at": "2026-03-01T10:00:00+08:00"}
    r = api.post(f"/cards/{card}/report-lost", in_store)
    assert r.status_code == 200, r.text
    assert r.json()["reissue_until"] is None  # no deadline
    # Months later, free of charge: every point is on the new card.
    r = api.post(f"/cards/{card}/reissue", {"occurred_at": "2026-09-01T10:00:00+08:00"})
    assert r.status_code == 201, r.text
    assert (r.json()["points"], r.json()["fee"]) == (95, "0.00")
    new = r.json()["card_no"]
    r = api.post(
        "/purchases",
        {**sale, "receipt_no": "R2", "card_no": new, "occurred_at": "2026-09-02T10:00:00+08:00"},
    )
    assert (r.status_code, r.json()["balance"]) == (201, 190), r.text
    assert api.get(f"/members/{mid}").json()["card_no"] == new
