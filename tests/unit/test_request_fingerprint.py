"""Idempotency fingerprints are keyed: a request body can hold a card password, a phone or an
ID number, and the requests table keeps its fingerprint for good. A plain SHA-256 of the body
could be reversed by hashing candidate passwords; an HMAC cannot without the secret key."""

from __future__ import annotations

import hashlib
import json

from huiyuan.security import Sealer
from huiyuan.services.context import Context
from huiyuan.services.inputs import PurchaseIn

BODY = {
    "receipt_no": "R1",
    "card_no": "8800000001",
    "identify": {"name": "李静", "phone": "13800138000", "password": "123456"},
    "lines": [{"line_no": 1, "sku": "A", "qty": "1", "list_price": "10.00"}],
}


def _ctx(key: bytes) -> Context:
    return Context(engine=None, sealer=Sealer(key))  # type: ignore[arg-type]


def test_the_fingerprint_needs_the_key() -> None:
    data = PurchaseIn.model_validate(BODY)
    a, b = _ctx(b"a" * 32), _ctx(b"b" * 32)
    assert a.fingerprint(data) == a.fingerprint(PurchaseIn.model_validate(BODY))
    assert a.fingerprint(data) != b.fingerprint(data)
    plain = json.dumps(data.model_dump(mode="json", exclude_none=False), sort_keys=True)
    assert a.fingerprint(data) != hashlib.sha256(plain.encode()).hexdigest()
    assert len(a.fingerprint(data)) == 64  # fits requests.body_hash


def test_a_wrong_password_or_another_path_is_another_request() -> None:
    ctx = _ctx(b"a" * 32)
    data = PurchaseIn.model_validate(BODY)
    other = PurchaseIn.model_validate(
        {**BODY, "identify": {**BODY["identify"], "password": "654321"}}
    )
    assert ctx.fingerprint(data) != ctx.fingerprint(other)
    assert ctx.fingerprint(data, "M1") != ctx.fingerprint(data, "M2") != ctx.fingerprint(data)
