"""Helpers the scheme tests share: every purchase is quoted, then committed, and the quote
must have been the commit's answer."""

from __future__ import annotations

from typing import Any


def quoted_purchase(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    quoted = api.post("/purchases/quote", body)
    assert quoted.status_code == 200, quoted.text
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    assert quoted.json() == r.json()  # quote == commit
    return dict(r.json())


def buy(
    api: Any, mid: str, receipt_no: str, at: str, lines: list[dict[str, Any]], **kw: Any
) -> dict[str, Any]:
    body = {"receipt_no": receipt_no, "member_id": mid, "occurred_at": at, "lines": lines, **kw}
    return quoted_purchase(api, body)
