"""The printable member code is a QR code of the active card number."""

from __future__ import annotations


def test_member_code_is_an_svg_qr_of_the_card(make_api):
    api = make_api("supermarket")
    made = api.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13800138000",
            "id_number": "11010519491231002X",
            "fee_paid": "5.00",
        },
    ).json()
    r = api.get(f"/members/{made['member_id']}/member-code.svg", role="cashier")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.startswith("<?xml") and "<svg" in r.text
    assert made["card_no"] in r.text  # the title names the card it encodes
    missing = api.get("/members/NOPE/member-code.svg")
    assert missing.status_code == 404 and missing.json()["code"] == "member_not_found"
