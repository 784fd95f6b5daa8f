"""Enrolling, showing, finding and activating members (supermarket preset, SCHEMES.md §1).

Join: a 5.00 card fee or a single receipt ≥ 50.00; name, phone and ID number required; staff may
not join; a new member is pending until staff activate it. Phones are unique per program.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from huiyuan.domain.identity import card_valid
from huiyuan.store.schema import members

ID = "11010519491231002X"
JOINED = "2026-01-05T10:00:00+08:00"
PROBLEM = "application/problem+json"


def _count(api: Any) -> int:
    with api.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(members)).scalar_one())


def _body(**change: Any) -> dict[str, Any]:
    body = {"name": "王芳", "phone": "13800138000", "id_number": ID, "fee_paid": "5.00"}
    body.update(change)
    return {k: v for k, v in body.items() if v is not None}


def _problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == code
    return r.json()


def test_enroll_answers_with_a_pending_member_and_a_card(make_api):
    api = make_api("supermarket")
    r = api.post("/members", _body(joined_at=JOINED))
    assert r.status_code == 201, r.text
    answer = r.json()
    assert set(answer) >= {"member_id", "status", "tier", "card_no"}
    assert answer["status"] == "pending"
    assert answer["tier"] == "member"  # the program's first tier
    assert card_valid(answer["card_no"])
    # Birthdays with or without a year; Feb 29 is a birthday like any other.
    for phone, birthday in (("13900139000", "1990-05-17"), ("13700137000", "--02-29")):
        r = api.post("/members", _body(phone=phone, birthday=birthday))
        assert r.status_code == 201, r.text


def test_get_member_shows_a_masked_phone(make_api):
    api = make_api("supermarket")
    mid = api.post("/members", _body()).json()["member_id"]
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    member = r.json()
    assert member["phone"] == "138****8000"
    assert member["member_id"] == mid
    assert member["status"] == "pending"
    assert member["kind"] == "personal"
    assert member["tier"] == "member"
    assert member["points"] == 0
    assert member["stored_value"] == "0.00"
    assert member["valid_until"] is None  # the supermarket card does not lapse
    assert member["guide_id"] is None
    assert member["customer_class"] is None
    assert member["attributes"] == {}
    assert card_valid(member["card_no"])
    assert "13800138000" not in r.text
    assert ID not in r.text
    # Nor in the database: phone, ID number and address are sealed.
    api.post("/members", _body(phone="13900139000", address="北京市朝阳区建国路 1 号"))
    with api.ctx.engine.connect() as conn:
        rows = [r._mapping for r in conn.execute(select(members))]
    dump = " ".join(str(v) for row in rows for v in row.values())
    assert "13800138000" not in dump
    assert ID not in dump
    assert "建国路" not in dump


def test_required_fields_are_listed(make_api):
    api = make_api("supermarket")
    problem = _problem(api.post("/members", {"fee_paid": "5.00"}), 422, "missing_fields")
    assert problem["fields"] == ["name", "phone", "id_number"]
    assert "name" in problem["detail"] and "id_number" in problem["detail"]
    problem = _problem(
        api.post("/members", _body(name="   ", id_number=None)), 422, "missing_fields"
    )
    assert problem["fields"] == ["name", "id_number"]  # blank is missing
    assert _count(api) == 0


def test_registration_data_is_checked(make_api):
    api = make_api("supermarket")
    for phone in ("12345", "12800138000", "1380013800", "138001380000", "abc", "02088888888"):
        _problem(api.post("/members", _body(phone=phone)), 422, "invalid_phone")
    assert _count(api) == 0
    # The last character is the ISO 7064 check: ...002X is right, ...0021 is not.
    for id_number in ("110105194912310021", "11010519491231002", "110105194913310024", "X" * 18):
        _problem(api.post("/members", _body(id_number=id_number)), 422, "invalid_id_number")
    assert _count(api) == 0
    # A lower-case x is the same check character.
    assert api.post("/members", _body(id_number="11010519491231002x")).status_code == 201
    r = api.post("/members", _body(phone="13600136001", id_type="student", id_number="S2026-0001"))
    assert r.status_code == 201, r.text
    r = api.post("/members", _body(phone="13600136000", id_type="passport", id_number="E1234567"))
    _problem(r, 422, "id_type_not_accepted")  # 身份证, student or military card only
    _problem(
        api.post("/members", _body(phone="13500135000", is_staff=True)), 422, "staff_not_allowed"
    )
    assert _count(api) == 2


def test_join_conditions(make_api):
    api = make_api("supermarket")
    for change in (
        {"fee_paid": None},
        {"fee_paid": "4.99"},
        {"fee_paid": None, "qualifying_spend": "49.99"},
        {"fee_paid": "4.99", "qualifying_spend": "49.99"},
    ):
        _problem(api.post("/members", _body(**change)), 422, "join_condition_not_met")
    assert _count(api) == 0
    # Either condition suffices: the 5.00 card fee, or a single receipt of 50.00.
    assert api.post("/members", _body(fee_paid="5.00")).status_code == 201
    r = api.post("/members", _body(phone="13900139000", fee_paid=None, qualifying_spend="50.00"))
    assert r.status_code == 201, r.text
    # Personal members only.
    _problem(api.post("/members", _body(phone="13700137000", kind="unit")), 422, "kind_not_offered")


def test_duplicate_phone_is_409(make_api):
    api = make_api("supermarket")
    assert api.post("/members", _body()).status_code == 201
    _problem(api.post("/members", _body(name="李雷")), 409, "phone_taken")
    # The same number written another way is the same phone.
    _problem(api.post("/members", _body(phone="+86 138-0013-8000")), 409, "phone_taken")
    assert _count(api) == 1


def test_concurrent_enrolments_with_one_phone_make_one_member(make_api):
    api = make_api("supermarket")
    api.token("admin")
    n = 6
    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def go(i: int) -> None:
        barrier.wait()
        out[i] = api.post("/members", _body())

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in out)
    assert codes == [201] + [409] * (n - 1), [r.text for r in out]
    assert _count(api) == 1


def test_search_by_phone_and_by_card(make_api):
    api = make_api("supermarket")
    first = api.post("/members", _body()).json()
    api.post("/members", _body(phone="13900139000", name="李雷"))

    r = api.get("/members", params={"phone": "13800138000"})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [m["member_id"] for m in items] == [first["member_id"]]
    assert items[0]["phone"] == "138****8000"

    r = api.get("/members", params={"card_no": first["card_no"]})
    assert [m["member_id"] for m in r.json()["items"]] == [first["member_id"]]

    assert api.get("/members", params={"phone": "13700137000"}).json() == {"items": []}
    assert api.get("/members", params={"card_no": "8000000000000003"}).json() == {"items": []}
    _problem(api.get("/members", params={"phone": "12"}), 422, "invalid_phone")
    _problem(api.get("/members"), 422, "search_term_missing")


def test_activation(make_api):
    api = make_api("supermarket")
    mid = api.post("/members", _body(joined_at=JOINED)).json()["member_id"]
    r = api.post(f"/members/{mid}/activate", {"occurred_at": "2026-01-06T09:00:00+08:00"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"
    assert r.json()["member_id"] == mid
    # Activating an active member again changes nothing.
    r = api.post(f"/members/{mid}/activate")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"
    _problem(api.post("/members/M0000000000000000/activate", {}), 404, "member_not_found")


def test_pending_members_earn_nothing_until_activated(make_api):
    api = make_api("supermarket")
    card = api.post("/members", _body(joined_at=JOINED)).json()
    body = {
        "receipt_no": "R-1",
        "card_no": card["card_no"],
        "occurred_at": "2026-01-05T11:00:00+08:00",
        "lines": [
            {"line_no": 1, "sku": "A", "category": "food", "qty": "2", "list_price": "35.50"}
        ],
    }
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    assert r.json()["points_earned"] == 0
    assert r.json()["lines"][0]["notes"]  # says why
    api.post(f"/members/{card['member_id']}/activate", {"occurred_at": JOINED})
    # Named by card: 2 × 35.50 = 71.00 → 71 points.
    r = api.post("/purchases", dict(body, receipt_no="R-2"))
    assert r.status_code == 201, r.text
    assert r.json()["member_id"] == card["member_id"]
    assert r.json()["points_earned"] == 71
