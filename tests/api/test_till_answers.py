"""The till's answers match the schemas the OpenAPI document gives for them.

Quote and purchase are sent as plain JSON for speed (no response model runs on them), so their
real answers are validated here against `PurchaseAnswer`, in every shape they take: a tier
reached, no benefits (with one language asked for), paid from stored value, replayed."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from huiyuan.api.schemas import till
from huiyuan.api.schemas.till import PurchaseAnswer, ReturnAnswer
from tests.schemes.lifecycle_kit import enroll, line

PURCHASE = TypeAdapter(PurchaseAnswer)
RETURN = TypeAdapter(ReturnAnswer)
TILL_OPERATIONS = [
    ("post", "/api/v1/programs/{program}/purchases/quote", "200"),
    ("post", "/api/v1/programs/{program}/purchases", "201"),
    ("post", "/api/v1/programs/{program}/purchases/{receipt_no}/returns", "201"),
    ("post", "/api/v1/programs/{program}/members/{member_id}/check-ins", "201"),
    ("post", "/api/v1/programs/{program}/purchases/{receipt_no}/reviews", "201"),
]


def quote_and_buy(api: Any, body: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """Quotes and records the purchase, validating both answers; the purchase's answer."""
    quoted = api.post("/purchases/quote", body, **kw)
    assert quoted.status_code == 200, quoted.text
    PURCHASE.validate_python(quoted.json())
    bought = api.post("/purchases", body, **kw)
    assert bought.status_code == 201, bought.text
    PURCHASE.validate_python(bought.json())
    assert quoted.json() == bought.json()
    return dict(bought.json())


def test_a_purchase_reaching_a_tier_and_its_resend(make_api):
    api = make_api("haoping")
    mid = enroll(api)
    body = {
        "receipt_no": "T-1",
        "member_id": mid,
        "occurred_at": "2026-03-01T10:00:00+08:00",
        "lines": [line(1, "2500.00", qty="2"), line(2, "9.99", "fruit")],
    }
    answer = quote_and_buy(api, body)
    assert answer["tier_changed"] == {"from": "vip", "to": "silver"}
    # A resend and a quote after the commit answer from the stored answer.
    assert PURCHASE.validate_python(api.post("/purchases", body).json()) == answer
    assert PURCHASE.validate_python(api.post("/purchases/quote", body).json()) == answer


def test_a_purchase_without_benefits_in_one_language(make_api):
    api = make_api("supermarket")
    mid = enroll(api, id_number="11010519491231002X", fee_paid="5.00")  # pending until active
    body = {
        "receipt_no": "T-2",
        "member_id": mid,
        "occurred_at": "2026-03-01T10:00:00+08:00",
        "lines": [line(1, "12.50", "food")],
    }
    answer = quote_and_buy(api, body, headers={"Accept-Language": "en"})
    assert answer["lines"][0]["notes"] == ["membership not yet active: no member benefits"]


def test_a_purchase_paid_from_stored_value_and_its_return(make_api):
    api = make_api("liquor")
    mid = enroll(api, kind="unit")
    deposit = {"deposit_no": "D-1", "amount": "1000.00", "occurred_at": "2026-04-01T10:00:00+08:00"}
    assert api.post(f"/members/{mid}/deposits", deposit).status_code == 201
    body = {
        "receipt_no": "T-3",
        "member_id": mid,
        "occurred_at": "2026-04-02T10:00:00+08:00",
        "lines": [line(1, "10.00", qty="3")],
        "pay_with_stored_value": True,
    }
    answer = quote_and_buy(api, body)
    assert {"stored_value_paid", "stored_value"} <= set(answer)
    back = api.post(
        "/purchases/T-3/returns",
        {
            "return_no": "T-3-R",
            "occurred_at": "2026-04-03T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert {"stored_value_refunded", "stored_value"} <= set(RETURN.validate_python(back.json()))


def test_every_till_operation_documents_its_answer_with_a_valid_example(make_api):
    api = make_api("online_shop")
    doc = api.client.app.openapi()
    for method, path, status in TILL_OPERATIONS:
        operation = doc["paths"][path][method]
        assert operation["tags"] == ["till"]
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        name = schema["$ref"].removeprefix("#/components/schemas/")
        (example,) = doc["components"]["schemas"][name]["examples"]
        TypeAdapter(getattr(till, name)).validate_python(example)
