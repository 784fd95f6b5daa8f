"""counter — the mobile number is the account (SCHEMES.md §3, seed 000 篇三
"以顾客手机号码作为顾客的VIP会员账号"), through the HTTP API.

A till names the member by phone alone (`identify.phone`); there is no card to lose. Hand-worked:
a 1000.00 line sold at its tag price (ratio 1.00 ≥ 0.80) rebates 8.8% = 88.00 → 88 points; a
line of list 1000.00 sold at 600.00 (ratio 0.60: 5%) → 30 points.
"""

from __future__ import annotations

from typing import Any

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"
PHONE = "13800138000"
ID = "11010519491231002X"


def enroll(api: Any, phone: str = PHONE) -> tuple[str, str]:
    body = {
        "name": "王芳",
        "phone": phone,
        "id_number": ID,
        "address": "北京市朝阳区建国路1号",
        "joined_at": JOINED,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    return r.json()["member_id"], r.json()["card_no"]


def purchase(api: Any, receipt_no: str, price: str = "1000.00", **naming: Any) -> Any:
    body = {
        "receipt_no": receipt_no,
        "occurred_at": SOLD,
        "lines": [
            {
                "line_no": 1,
                "sku": "COAT",
                "category": "apparel",
                "qty": "1",
                "list_price": "1000.00",
                "price": price,
            }
        ],
        **naming,
    }
    quoted = api.post("/purchases/quote", body)
    r = api.post("/purchases", body)
    if r.status_code == 201:
        assert quoted.json() == r.json()  # quote == commit
    else:
        assert quoted.status_code == r.status_code
    return r


def test_the_phone_number_is_the_account_at_the_till(make_api):
    api = make_api("counter")
    mid, _ = enroll(api)
    r = purchase(api, "R1", identify={"phone": PHONE})
    assert r.status_code == 201, r.text
    assert r.json()["member_id"] == mid
    assert (r.json()["points_earned"], r.json()["balance"]) == (88, 88)
    # Written with spaces or +86, it is the same account; no card needs to be shown.
    r = purchase(api, "R2", "600.00", identify={"phone": "+86 138 0013 8000"}, card_presented=False)
    assert r.status_code == 201, r.text
    assert (r.json()["points_earned"], r.json()["balance"]) == (30, 118)
    found = api.get("/members", params={"phone": PHONE}).json()["items"]
    assert [m["member_id"] for m in found] == [mid]
    assert found[0]["phone"] == "138****8000"
    assert found[0]["points"] == 118


def test_an_unknown_or_malformed_phone_names_nobody(make_api):
    api = make_api("counter")
    enroll(api)
    r = purchase(api, "R1", identify={"phone": "13900139000"})
    assert (r.status_code, r.json()["code"]) == (404, "member_not_found")
    r = purchase(api, "R1", identify={"phone": "12345"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_phone")
    r = purchase(api, "R1")
    assert (r.status_code, r.json()["code"]) == (422, "validation_error")


def test_a_phone_given_beside_the_member_must_be_the_members(make_api):
    api = make_api("counter")
    mid, _ = enroll(api)
    enroll(api, phone="13900139000")
    r = purchase(api, "R1", member_id=mid, identify={"phone": "13900139000"})
    assert (r.status_code, r.json()["code"]) == (403, "wrong_credentials")
    r = purchase(api, "R1", member_id=mid, identify={"phone": PHONE})
    assert r.status_code == 201, r.text


def test_no_card_to_lose(make_api):
    api = make_api("counter")
    _, card = enroll(api)
    body = {"channel": "store", "id_number": ID}
    r = api.post(f"/cards/{card}/report-lost", body)
    assert (r.status_code, r.json()["code"]) == (422, "channel_not_offered")


def test_a_new_phone_is_the_new_account(make_api):
    api = make_api("counter")
    mid, _ = enroll(api)
    r = api.patch(f"/members/{mid}", {"phone": "13900139000"}, role="cashier")
    assert r.status_code == 200, r.text
    assert r.json()["phone"] == "139****9000"
    r = purchase(api, "R1", identify={"phone": PHONE})
    assert (r.status_code, r.json()["code"]) == (404, "member_not_found")
    r = purchase(api, "R1", identify={"phone": "13900139000"})
    assert r.status_code == 201, r.text
    assert r.json()["member_id"] == mid
    # Recorded with who and when, masked.
    items = api.get("/audit", role="auditor", params={"action": "member.profile_changed"})
    (entry,) = items.json()["items"]
    assert entry["actor"] == "cashier:test-cashier"
    assert entry["detail"]["changes"]["phone"] == {"from": "138****8000", "to": "139****9000"}


def test_a_program_without_phone_accounts_refuses_a_purchase_by_phone(make_api):
    api = make_api("liquor")
    r = api.post(
        "/members",
        {"name": "张伟", "phone": PHONE, "fee_paid": "20.00", "joined_at": JOINED},
    )
    assert r.status_code == 201, r.text
    r = purchase(api, "R1", identify={"phone": PHONE})
    assert (r.status_code, r.json()["code"]) == (422, "phone_not_account")
