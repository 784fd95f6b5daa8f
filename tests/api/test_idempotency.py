"""Resending a state change returns the first answer; the same number with another body is 409.

Supermarket preset (SCHEMES.md §1): 1 point per 1.00 paid, rounded down per line.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from huiyuan.store.schema import ledger_entries, receipts, requests

from .kit import active_member as _member
from .kit import reversal as _rev
from .kit import row_count as _count

AT = "2026-03-28T10:15:00+08:00"


def _purchase(member_id: str, receipt_no: str = "R-0001", qty: str = "2") -> dict[str, Any]:
    return {
        "receipt_no": receipt_no,
        "member_id": member_id,
        "occurred_at": AT,
        "lines": [
            {"line_no": 1, "sku": "A100", "category": "food", "qty": qty, "list_price": "35.50"}
        ],
    }


def test_same_purchase_twice_returns_the_first_answer(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    first = api.post("/purchases", _purchase(mid))
    assert first.status_code == 201, first.text
    # 2 × 35.50 = 71.00 paid → 71 points (1 per 1.00).
    assert first.json()["points_earned"] == 71
    assert first.json()["balance"] == 71

    again = api.post("/purchases", _purchase(mid))
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert _count(api, receipts) == 1
    assert _count(api, ledger_entries) == 1
    assert api.get(f"/members/{mid}").json()["points"] == 71
    ledger = api.get(f"/members/{mid}/ledger").json()["items"]
    assert [(e["kind"], e["points"], e["ref"]) for e in ledger] == [("earn", 71, "R-0001")]

    # The same amount spelled another way is the same request.
    body = _purchase(mid)
    body["lines"][0]["list_price"] = "35.5"
    assert api.post("/purchases", body).json() == first.json()
    assert _count(api, ledger_entries) == 1


def test_resend_after_later_changes_still_returns_the_first_answer(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    first = api.post("/purchases", _purchase(mid)).json()
    assert api.post("/purchases", _purchase(mid, "R-0002")).json()["balance"] == 142
    # The first receipt's answer is replayed as it was (balance 71), not recomputed.
    assert api.post("/purchases", _purchase(mid)).json() == first
    assert api.get(f"/members/{mid}").json()["points"] == 142
    assert _count(api, ledger_entries) == 2


def test_same_receipt_no_with_another_body_is_409(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    assert api.post("/purchases", _purchase(mid)).status_code == 201
    r = api.post("/purchases", _purchase(mid, qty="3"))
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "number_reused"
    assert _count(api, receipts) == 1
    assert _count(api, ledger_entries) == 1
    assert api.get(f"/members/{mid}").json()["points"] == 71
    # The same number for another member is another body too.
    other = _member(api, "13900139000")
    body = _purchase(other)
    r = api.post("/purchases", body)
    assert r.status_code == 409
    assert r.json()["code"] == "number_reused"
    assert api.get(f"/members/{other}").json()["points"] == 0


def test_a_refused_purchase_does_not_burn_its_number(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    body = _purchase(mid)
    body["occurred_at"] = "2026-01-01T10:00:00+08:00"  # before joining
    r = api.post("/purchases", body)
    assert r.status_code == 422 and r.json()["code"] == "not_yet_member"
    assert _count(api, requests) == 0
    r = api.post("/purchases", _purchase(mid))
    assert r.status_code == 201, r.text
    assert r.json()["points_earned"] == 71


def test_quote_stores_nothing(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    quoted = api.post("/purchases/quote", _purchase(mid))
    assert quoted.status_code == 200, quoted.text
    assert quoted.json()["points_earned"] == 71
    assert _count(api, receipts) == 0
    assert _count(api, ledger_entries) == 0
    assert _count(api, requests) == 0
    committed = api.post("/purchases", _purchase(mid))
    assert committed.status_code == 201
    assert committed.json() == quoted.json()


def _return(return_no: str = "RT-1", qty: str = "1") -> dict[str, Any]:
    return {"return_no": return_no, "occurred_at": AT, "lines": [{"line_no": 1, "qty": qty}]}


def test_same_return_twice_returns_the_first_answer(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    api.post("/purchases", _purchase(mid))
    first = api.post("/purchases/R-0001/returns", _return())
    assert first.status_code == 201, first.text
    # floor(71 × 1/2) = 35 reversed; 71 − 35 = 36 left.
    assert _rev(first) == (35, 36)
    again = api.post("/purchases/R-0001/returns", _return())
    assert again.status_code == 201
    assert again.json() == first.json()
    assert _count(api, ledger_entries) == 2
    assert api.get(f"/members/{mid}").json()["points"] == 36


def test_same_return_no_with_another_body_is_409(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    api.post("/purchases", _purchase(mid))
    assert api.post("/purchases/R-0001/returns", _return()).status_code == 201
    r = api.post("/purchases/R-0001/returns", _return(qty="2"))
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "number_reused"
    assert api.get(f"/members/{mid}").json()["points"] == 36
    assert _count(api, ledger_entries) == 2


def test_same_return_no_against_another_receipt_is_409(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    api.post("/purchases", _purchase(mid, "R-0001"))
    api.post("/purchases", _purchase(mid, "R-0002"))
    assert api.post("/purchases/R-0001/returns", _return()).status_code == 201
    # The same return number and body, but for another receipt: a different request.
    r = api.post("/purchases/R-0002/returns", _return())
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "number_reused"
    assert api.get(f"/members/{mid}").json()["points"] == 142 - 35


def _at_once(n: int, send: Any) -> list[Any]:
    """Sends n requests from n threads released together (races on PostgreSQL)."""
    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def go(i: int) -> None:
        barrier.wait()
        out[i] = send(i)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_concurrent_resends_of_a_purchase_store_it_once(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    api.token("admin")
    answers = _at_once(6, lambda _: api.post("/purchases", _purchase(mid)))
    assert [r.status_code for r in answers] == [201] * 6, [r.text for r in answers]
    assert all(r.json() == answers[0].json() for r in answers)
    assert _count(api, ledger_entries) == 1
    assert api.get(f"/members/{mid}").json()["points"] == 71


def test_concurrent_resends_of_a_return_store_it_once(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    api.post("/purchases", _purchase(mid))
    api.token("admin")
    answers = _at_once(6, lambda _: api.post("/purchases/R-0001/returns", _return()))
    assert [r.status_code for r in answers] == [201] * 6, [r.text for r in answers]
    assert all(_rev(r) == (35, 36) for r in answers)
    assert _count(api, ledger_entries) == 2
    assert api.get(f"/members/{mid}").json()["points"] == 36


def test_concurrent_returns_of_one_receipt_all_count(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    # 6 × 35.50 = 213.00 → 213 points.
    assert api.post("/purchases", _purchase(mid, qty="6")).json()["points_earned"] == 213
    api.token("admin")
    answers = _at_once(6, lambda i: api.post("/purchases/R-0001/returns", _return(f"RT-{i}")))
    assert [r.status_code for r in answers] == [201] * 6, [r.text for r in answers]
    # Whatever the order, the six returns reverse floor(213·k/6) − floor(213·(k−1)/6): 213 in all.
    assert sum(r.json()["points_reversed"] for r in answers) == 213
    assert api.get(f"/members/{mid}").json()["points"] == 0
    with api.ctx.engine.connect() as conn:
        assert conn.execute(select(receipts.c.paid_net)).scalar_one() == Decimal("0.00")


def test_a_quote_after_the_commit_is_the_commit_answer(make_api):
    api = make_api("supermarket")
    member = api.post(
        "/members",
        {
            "name": "李雷",
            "phone": "13700137000",
            "id_number": "11010519491231002X",
            "fee_paid": "5.00",
            "joined_at": "2026-01-05T10:00:00+08:00",
        },
    ).json()["member_id"]
    api.post(f"/members/{member}/activate", {})
    body = {
        "receipt_no": "Q-1",
        "member_id": member,
        "occurred_at": "2026-03-28T10:15:00+08:00",
        "lines": [
            {"line_no": 1, "sku": "A", "category": "food", "qty": "2", "list_price": "35.50"}
        ],
    }
    committed = api.post("/purchases", body).json()
    # 2 × 35.50 = 71.00 → 71 points; the balance is 71, not 142, when quoted again.
    assert committed["balance"] == 71
    assert api.post("/purchases/quote", body).json() == committed
    other = {**body, "lines": [{**body["lines"][0], "qty": "3"}]}
    assert api.post("/purchases/quote", other).status_code == 409
