"""liquor — cards (SCHEMES.md §6, seed 001 "会员卡加磁、更换、挂失、补卡"), through the HTTP API.

Lost card by phone with name + phone + card password, or in store with the holder's ID,
effective at once; reissue within 7 days of the report for 20.00, the new card carrying the
member's points and stored value; nothing moves back for what happened before the report;
damaged-card exchange for 20.00; a card-less purchase gives card number + name + phone +
password. Five wrong passwords in a row lock the card's phone channel for 30 minutes.

Hand-worked: a regular card's 1× discount is 2% of the list price and its points the same
yuan, so a 1000.00 bottle is 20.00 off, 980.00 paid, 20 points; a 500.00 one 10 points.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-02-10T10:00:00+08:00"
LOST = "2026-03-01T10:00:00+08:00"
NAME, PHONE, PIN = "张伟", "13800138000", "246810"
ID = "11010519491231002X"
WINE = {"line_no": 1, "sku": "WINE1", "category": "wine", "qty": "1", "list_price": "1000.00"}


@pytest.fixture(autouse=True)
def cheap_pin_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its production cost is most of these tests' time; the rules are the same."""
    cheap = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    monkeypatch.setattr("huiyuan.services.members._hasher", cheap)
    monkeypatch.setattr("huiyuan.services.card_checks._hasher", cheap)


def enroll(api: Any, phone: str = PHONE, **fields: Any) -> tuple[str, str]:
    body = {
        "name": NAME,
        "phone": phone,
        "fee_paid": "20.00",
        "card_password": PIN,
        "joined_at": JOINED,
        **fields,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    return r.json()["member_id"], r.json()["card_no"]


def purchase(
    api: Any, receipt_no: str, list_price: str = "1000.00", at: str = SOLD, **naming: Any
) -> Any:
    body = {
        "receipt_no": receipt_no,
        "occurred_at": at,
        "lines": [{**WINE, "list_price": list_price}],
        **naming,
    }
    quoted = api.post("/purchases/quote", body)
    r = api.post("/purchases", body)
    if r.status_code == 201:
        assert quoted.status_code == 200, quoted.text
        assert quoted.json() == r.json()  # quote == commit
    else:
        assert quoted.status_code == r.status_code, quoted.text
    return r


def by_phone(api: Any, card: str, at: str = LOST, **over: Any) -> Any:
    body = {"occurred_at": at, "channel": "phone", "name": NAME, "phone": PHONE, "password": PIN}
    return api.post(f"/cards/{card}/report-lost", {**body, **over})


def test_phone_report_is_immediate_and_the_reissued_card_carries_the_points(make_api):
    api = make_api("liquor")
    mid, card = enroll(api)
    r = purchase(api, "R1", card_no=card)
    assert r.status_code == 201, r.text
    assert (r.json()["points_earned"], r.json()["balance"]) == (20, 20)
    ledger_before = api.get(f"/members/{mid}/ledger").json()["items"]

    r = by_phone(api, card)
    assert r.status_code == 200, r.text
    assert r.json()["card_no"] == card
    assert r.json()["status"] == "lost"
    assert r.json()["reissue_until"] == "2026-03-08"
    # Effective at once: the till refuses the card, quote and commit alike.
    r = purchase(api, "R2", card_no=card, at="2026-03-01T10:05:00+08:00")
    assert r.status_code == 403
    assert r.json()["code"] == "card_lost"
    assert api.get(f"/members/{mid}").json()["card_no"] is None
    # Reported twice: the same answer, nothing new.
    again = by_phone(api, card, at="2026-03-02T09:00:00+08:00")
    assert again.status_code == 200
    assert again.json()["reissue_until"] == "2026-03-08"

    r = api.post(
        f"/cards/{card}/reissue", {"occurred_at": "2026-03-05T15:00:00+08:00", "fee_paid": "19.99"}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "fee_too_low"
    body = {"occurred_at": "2026-03-05T15:00:00+08:00", "fee_paid": "20.00"}
    r = api.post(f"/cards/{card}/reissue", body)
    assert r.status_code == 201, r.text
    new = r.json()["card_no"]
    assert new != card
    assert (r.json()["points"], r.json()["stored_value"]) == (20, "0.00")
    # A resend is the first answer; the same card with another body is a conflict.
    assert api.post(f"/cards/{card}/reissue", body).json() == r.json()
    other = api.post(f"/cards/{card}/reissue", {**body, "fee_paid": "25.00"})
    assert other.status_code == 409

    # Nothing moved: the ledger is exactly as before the report.
    assert api.get(f"/members/{mid}/ledger").json()["items"] == ledger_before
    assert api.get(f"/members/{mid}").json()["card_no"] == new
    r = purchase(api, "R3", "500.00", "2026-03-06T10:00:00+08:00", card_no=new)
    assert r.status_code == 201, r.text
    assert (r.json()["points_earned"], r.json()["balance"]) == (10, 30)
    r = purchase(api, "R4", card_no=card, at="2026-03-06T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (403, "card_inactive")

    info = api.get(f"/cards/{card}").json()
    assert info["status"] == "replaced"
    assert [e["kind"] for e in info["events"]] == ["reported_lost", "reissued"]
    assert info["events"][1]["new_card_no"] == new
    assert info["events"][1]["fee"] == "20.00"
    actions = [a["action"] for a in api.get("/audit", role="auditor").json()["items"]]
    assert actions[:2] == ["card.reissued", "card.reported_lost"]


def test_reissue_only_within_7_days_of_the_report(make_api):
    api = make_api("liquor")
    _, card = enroll(api)
    assert by_phone(api, card).status_code == 200  # Mar 1, 10:00
    r = api.post(
        f"/cards/{card}/reissue", {"occurred_at": "2026-03-09T00:30:00+08:00", "fee_paid": "20.00"}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "reissue_window_closed"
    assert r.json()["reissue_until"] == "2026-03-08"
    r = api.post(
        f"/cards/{card}/reissue", {"occurred_at": "2026-02-28T12:00:00+08:00", "fee_paid": "20.00"}
    )
    assert (r.status_code, r.json()["code"]) == (422, "before_report")
    r = api.post(
        f"/cards/{card}/reissue", {"occurred_at": "2026-03-08T23:59:00+08:00", "fee_paid": "20.00"}
    )
    assert r.status_code == 201, r.text


def test_only_a_lost_card_is_reissued(make_api):
    api = make_api("liquor")
    _, card = enroll(api)
    r = api.post(f"/cards/{card}/reissue", {"occurred_at": LOST, "fee_paid": "20.00"})
    assert (r.status_code, r.json()["code"]) == (409, "card_not_lost")
    r = api.post("/cards/8000000000000000/reissue", {"fee_paid": "20.00"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_card")


def test_wrong_name_phone_or_password_is_refused_and_the_card_stays_usable(make_api):
    api = make_api("liquor")
    _, card = enroll(api)
    for over, left in (
        ({"password": "000000"}, 4),
        ({"name": "李四"}, 3),
        ({"phone": "13900139000"}, 2),
    ):
        r = by_phone(api, card, **over)
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "wrong_credentials"
        assert r.json()["attempts_left"] == left
    r = by_phone(api, card, password=None)
    assert (r.status_code, r.json()["code"]) == (422, "missing_fields")
    assert purchase(api, "R1", card_no=card).status_code == 201
    refused = api.get("/audit", role="auditor", params={"outcome": "refused"}).json()["items"]
    assert len(refused) == 3
    assert {a["action"] for a in refused} == {"card.report_lost_refused"}
    assert all("password" not in a["detail"] for a in refused)


def test_five_wrong_passwords_lock_the_phone_channel_for_30_minutes(make_api, clock):
    api = make_api("liquor")
    mid, card = enroll(api, id_number=ID)
    for left in (4, 3, 2, 1):
        r = by_phone(api, card, password="111111")
        assert (r.status_code, r.json()["attempts_left"]) == (403, left)
    r = by_phone(api, card, password="111111")
    assert r.status_code == 429
    assert r.json()["code"] == "pin_locked"
    assert r.json()["retry_after_seconds"] == 1800
    # Locked: the right password does not open it, by phone or at the till without the card.
    r = by_phone(api, card)
    assert (r.status_code, r.json()["code"]) == (429, "pin_locked")
    identify = {"name": NAME, "phone": PHONE, "password": PIN}
    r = purchase(api, "R1", card_no=card, card_presented=False, identify=identify)
    assert (r.status_code, r.json()["code"]) == (429, "pin_locked")
    assert api.get(f"/cards/{card}").json()["phone_channel_locked_until"] is not None
    # The card itself still works at the till, and in store the holder's ID still reports it.
    assert purchase(api, "R2", card_no=card).status_code == 201
    clock.now += timedelta(minutes=29)
    assert by_phone(api, card).status_code == 429
    clock.now += timedelta(minutes=1)
    r = by_phone(api, card)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "lost"
    # Audited: the locking attempt, then each refused while locked (the till's quote and commit
    # are two).
    refused = api.get("/audit", role="auditor", params={"member_id": mid, "outcome": "refused"})
    codes = [a["detail"]["code"] for a in reversed(refused.json()["items"])]
    assert codes == ["wrong_credentials"] * 4 + ["pin_locked"] * 5


def test_the_lock_does_not_stop_an_in_store_report_with_the_id(make_api):
    api = make_api("liquor")
    _, card = enroll(api, id_number=ID)
    for _ in range(5):
        by_phone(api, card, password="111111")
    assert by_phone(api, card).status_code == 429
    store = {"occurred_at": LOST, "channel": "store", "id_number": ID}
    r = api.post(f"/cards/{card}/report-lost", store)
    assert r.status_code == 200, r.text


def test_in_store_report_checks_the_holders_id(make_api):
    api = make_api("liquor")
    _, card = enroll(api, id_number=ID)
    store = {"occurred_at": LOST, "channel": "store"}
    r = api.post(f"/cards/{card}/report-lost", store)
    assert (r.status_code, r.json()["code"]) == (422, "missing_fields")
    r = api.post(f"/cards/{card}/report-lost", {**store, "id_number": "110105194912310038"})
    assert (r.status_code, r.json()["code"]) == (403, "wrong_credentials")
    assert "attempts_left" not in r.json()  # in person: not counted against the phone channel
    r = api.post(f"/cards/{card}/report-lost", {**store, "id_number": ID.lower()})
    assert r.status_code == 200, r.text
    # Without an ID number on file (liquor asks only name and phone), name and phone are checked.
    _, card2 = enroll(api, phone="13900139001")
    r = api.post(f"/cards/{card2}/report-lost", {**store, "id_number": ID})
    assert (r.status_code, r.json()["fields"]) == (422, ["name", "phone"])
    r = api.post(
        f"/cards/{card2}/report-lost",
        {**store, "id_number": ID, "name": NAME, "phone": "13900139001"},
    )
    assert r.status_code == 200, r.text


def test_a_phone_report_needs_a_card_password(make_api):
    api = make_api("liquor")
    r = api.post(
        "/members", {"name": NAME, "phone": PHONE, "fee_paid": "20.00", "joined_at": JOINED}
    )
    card = r.json()["card_no"]
    r = by_phone(api, card)
    assert (r.status_code, r.json()["code"]) == (422, "card_password_not_set")
    # Set at the counter (no password yet, no ID on file), then the phone report works.
    r = api.post(f"/cards/{card}/password", {"password": PIN})
    assert r.status_code == 200, r.text
    assert by_phone(api, card).status_code == 200
    r = api.post(f"/cards/{card}/report-lost", {"occurred_at": LOST, "channel": "fax"})
    assert r.status_code == 422


def test_cardless_purchase_needs_card_number_name_phone_and_password(make_api):
    api = make_api("liquor")
    mid, card = enroll(api)
    r = purchase(api, "R1", card_no=card, card_presented=False)
    assert (r.status_code, r.json()["code"]) == (422, "identification_required")
    assert r.json()["fields"] == ["name", "phone", "password"]
    identify = {"name": NAME, "phone": PHONE, "password": PIN}
    r = purchase(api, "R1", member_id=mid, card_presented=False, identify=identify)
    assert (r.status_code, r.json()["fields"]) == (422, ["card_no"])
    r = purchase(
        api, "R1", card_no=card, card_presented=False, identify={**identify, "password": "135790"}
    )
    assert (r.status_code, r.json()["code"]) == (403, "wrong_credentials")
    body = {"card_no": card, "card_presented": False, "identify": identify}
    r = purchase(api, "R1", **body)
    assert r.status_code == 201, r.text
    assert r.json()["member_id"] == mid
    assert (r.json()["points_earned"], r.json()["balance"]) == (20, 20)  # full member benefits
    resend = {"receipt_no": "R1", "occurred_at": SOLD, "lines": [WINE], **body}
    again = api.post("/purchases", resend)  # a resend: the first answer
    assert again.status_code == 201
    assert again.json() == r.json()
    assert api.get(f"/members/{mid}").json()["points"] == 20


def test_damaged_card_exchange_costs_20(make_api):
    api = make_api("liquor")
    _, card = enroll(api)
    assert purchase(api, "R1", card_no=card).status_code == 201
    r = api.post(f"/cards/{card}/exchange", {"occurred_at": LOST, "fee_paid": "10.00"})
    assert (r.status_code, r.json()["code"]) == (422, "fee_too_low")
    r = api.post(f"/cards/{card}/exchange", {"occurred_at": LOST, "fee_paid": "20.00"})
    assert r.status_code == 201, r.text
    new = r.json()["card_no"]
    assert (r.json()["points"], r.json()["replaces"]) == (20, card)
    assert api.get(f"/cards/{card}").json()["status"] == "replaced"
    # The password carries over to the new card.
    assert by_phone(api, new).status_code == 200
    r = api.post(f"/cards/{new}/exchange", {"occurred_at": LOST, "fee_paid": "20.00"})
    assert (r.status_code, r.json()["code"]) == (409, "card_lost")


def test_stored_value_and_points_stay_with_the_member(make_api):
    api = make_api("liquor")
    mid, card = enroll(api, phone="13700137000", kind="unit")
    r = api.post(
        f"/members/{mid}/deposits", {"deposit_no": "D1", "amount": "20000.00", "occurred_at": SOLD}
    )
    assert r.status_code == 201, r.text
    before = api.get(f"/members/{mid}").json()
    assert before["stored_value"] != "0.00"
    store = {
        "occurred_at": LOST,
        "channel": "store",
        "id_number": ID,
        "name": NAME,
        "phone": "13700137000",
    }
    assert api.post(f"/cards/{card}/report-lost", store).status_code == 200
    r = api.post(f"/cards/{card}/reissue", {"occurred_at": LOST, "fee_paid": "20.00"})
    assert r.status_code == 201, r.text
    assert r.json()["stored_value"] == before["stored_value"]
    assert r.json()["points"] == before["points"]
    after = api.get(f"/members/{mid}").json()
    assert (after["stored_value"], after["points"]) == (before["stored_value"], before["points"])
