"""A member's account over HTTP: the balance the till reads (sent as plain JSON, so its
declared schema is checked here against real answers), the ledger, vouchers and adjustments,
and the response schema each operation declares in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from huiyuan.api.schemas.accounts import Balance
from tests.api.kit import active_member

SOLD = "2026-03-28T10:15:00+08:00"


def test_the_balance_answers_match_their_declared_schema(make_api: Any) -> None:
    api = make_api("supermarket")
    mid = active_member(api)
    body = {"adjustment_no": "ADJ-1", "points": 120, "reason": "补录小票", "occurred_at": SOLD}
    r = api.post(f"/members/{mid}/adjustments", body, role="manager")
    assert r.status_code == 201, r.text

    schema = TypeAdapter(Balance)
    now = api.get(f"/members/{mid}/balance", role="cashier")
    assert now.status_code == 200, now.text
    assert schema.validate_python(now.json()) == now.json()
    # The 120 clear on the next 1 January (supermarket): one expiring group.
    assert (now.json()["points"], len(now.json()["expiring"])) == (120, 1)
    # A moment before the adjustment: nothing held, nothing expiring.
    past = api.get(f"/members/{mid}/balance", params={"as_of": "2026-03-01T00:00:00+08:00"})
    assert past.status_code == 200, past.text
    assert schema.validate_python(past.json()) == past.json()
    assert (past.json()["points"], past.json()["expiring"]) == (0, [])


def test_every_account_operation_declares_its_answer(make_api: Any) -> None:
    api = make_api("supermarket")
    paths = api.client.app.openapi()["paths"]
    base = "/api/v1/programs/{program}/members/{member_id}"
    answers = {
        ("get", "/balance"): ("200", "Balance"),
        ("get", "/ledger"): ("200", "LedgerPage"),
        ("get", "/vouchers"): ("200", "MemberVouchers"),
        ("post", "/adjustments"): ("201", "Adjusted"),
    }
    for (method, path), (status, name) in answers.items():
        responses = paths[base + path][method]["responses"]
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{name}"}, (path, schema)
        assert "404" in responses and "401" in responses, path
