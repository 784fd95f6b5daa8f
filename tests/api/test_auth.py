"""Every request but GET /healthz carries a bearer token; roles decide what it may do."""

from __future__ import annotations

from typing import Any

import pytest

from huiyuan.errors import Invalid
from huiyuan.services.tokens import create_token
from huiyuan.store.schema import ledger_entries, members, receipts

from .kit import ID, JOINED
from .kit import row_count as _count

AT = "2026-03-28T10:15:00+08:00"
PROBLEM = "application/problem+json"


def _enroll(api: Any, role: str = "admin", phone: str = "13800138000") -> Any:
    body = {
        "name": "王芳",
        "phone": phone,
        "id_number": ID,
        "fee_paid": "5.00",
        "joined_at": JOINED,
    }
    return api.post("/members", body, role=role)


def _purchase(member_id: str, receipt_no: str = "R-1") -> dict[str, Any]:
    return {
        "receipt_no": receipt_no,
        "member_id": member_id,
        "occurred_at": AT,
        "lines": [
            {"line_no": 1, "sku": "A", "category": "food", "qty": "2", "list_price": "35.50"}
        ],
    }


def _problem(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == code
    assert r.json()["status"] == status


BAD_HEADERS: list[tuple[str | bytes | None, str]] = [
    (None, "missing_token"),
    ("", "missing_token"),
    ("Bearer", "missing_token"),
    ("Bearer    ", "missing_token"),
    ("Basic dXNlcjpwYXNz", "missing_token"),
    ("Bearer not-a-token", "invalid_token"),
    ("Bearer hy_000000000000_secret", "invalid_token"),
    ("Bearer hy_" + "x" * 5000, "invalid_token"),
    ("Bearer hy_" + "x" * 5000 + "_secret", "invalid_token"),
    ("Bearer hy_ü_secret".encode(), "invalid_token"),  # non-ASCII bytes
]


def test_requests_without_a_valid_token_are_401(make_api):
    api = make_api("supermarket")
    # GET /healthz alone needs no token.
    r = api.client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    mid = _enroll(api).json()["member_id"]
    for header, code in BAD_HEADERS:
        headers = {} if header is None else {"Authorization": header}
        for method, path, body in [
            ("GET", f"/members/{mid}", None),
            ("POST", "/purchases", _purchase(mid)),
            ("POST", "/members", {"name": "x"}),
            ("GET", "/api/v1/programs", None),
        ]:
            r = api.client.request(method, api.url(path), json=body, headers=headers)
            try:
                _problem(r, 401, code)
            except AssertionError as exc:
                raise AssertionError(f"{header!r:.40} {method} {path}: {exc}") from None
    assert _count(api, receipts) == 0
    assert _count(api, members) == 1


def test_a_real_token_id_with_the_wrong_secret_is_401(make_api):
    api = make_api("supermarket")
    token = api.token("admin")
    forged = token[: token.rindex("_") + 1] + "A" * 43
    r = api.client.get(api.url("/members/M1"), headers={"Authorization": f"Bearer {forged}"})
    _problem(r, 401, "invalid_token")
    # The scheme name is case-insensitive (RFC 9110); the real token works.
    r = api.client.get(api.url("/members/M1"), headers={"Authorization": f"bearer {token}"})
    _problem(r, 404, "member_not_found")


def test_auditor_reads_but_cannot_change_anything(make_api):
    api = make_api("supermarket")
    mid = _enroll(api).json()["member_id"]
    assert api.post(f"/members/{mid}/activate", {"occurred_at": JOINED}).status_code == 200
    assert api.post("/purchases", _purchase(mid)).status_code == 201

    assert api.get(f"/members/{mid}", role="auditor").status_code == 200
    assert api.get(f"/members/{mid}/ledger", role="auditor").status_code == 200
    assert api.get(f"/members/{mid}/balance", role="auditor").status_code == 200

    _problem(api.post("/purchases", _purchase(mid, "R-2"), role="auditor"), 403, "forbidden_role")
    _problem(
        api.post("/purchases/quote", _purchase(mid, "R-2"), role="auditor"), 403, "forbidden_role"
    )
    _problem(
        api.post(
            "/purchases/R-1/returns",
            {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "1"}]},
            role="auditor",
        ),
        403,
        "forbidden_role",
    )
    _problem(_enroll(api, "auditor", "13900139000"), 403, "forbidden_role")
    _problem(api.post(f"/members/{mid}/activate", {}, role="auditor"), 403, "forbidden_role")
    # Nothing of it was stored.
    assert _count(api, receipts) == 1
    assert _count(api, ledger_entries) == 1
    assert _count(api, members) == 1
    assert api.get(f"/members/{mid}").json()["points"] == 71


def test_cashier_and_guide(make_api):
    api = make_api("supermarket")
    r = _enroll(api, "cashier")
    assert r.status_code == 201, r.text
    mid = r.json()["member_id"]
    _problem(api.post(f"/members/{mid}/activate", {}, role="cashier"), 403, "forbidden_role")
    assert api.get(f"/members/{mid}", role="cashier").json()["status"] == "pending"

    r = api.post(f"/members/{mid}/activate", {"occurred_at": JOINED}, role="manager")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"

    r = api.post("/purchases", _purchase(mid), role="cashier")
    assert r.status_code == 201, r.text
    assert r.json()["points_earned"] == 71  # 2 × 35.50 = 71.00 → 71 points
    r = api.post(
        "/purchases/R-1/returns",
        {"return_no": "RT-1", "occurred_at": AT, "lines": [{"line_no": 1, "qty": "1"}]},
        role="cashier",
    )
    assert r.status_code == 201, r.text
    # A guide may enroll but not sell.
    r = _enroll(api, "guide", "13900139000")
    assert r.status_code == 201, r.text
    _problem(
        api.post("/purchases", _purchase(r.json()["member_id"], "R-9"), role="guide"),
        403,
        "forbidden_role",
    )
    # There is no other role.
    with pytest.raises(Invalid) as info:
        create_token(api.ctx, "superuser", "x")
    assert info.value.code == "unknown_role"
