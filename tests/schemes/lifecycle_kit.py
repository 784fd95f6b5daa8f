"""Helpers for the membership-lifecycle scheme tests (tests/schemes/test_lifecycle_*.py): join,
buy, run jobs, read a member's tier history — all through the HTTP API."""

from __future__ import annotations

from itertools import count
from typing import Any

_phones = count(1)


def phone() -> str:
    """A fresh valid mainland mobile number for each member of a test."""
    return f"139{next(_phones):08d}"


def enroll(api: Any, expect: int = 201, **fields: Any) -> Any:
    body = {"name": "王芳", "phone": phone(), "joined_at": "2026-01-05T10:00:00+08:00", **fields}
    r = api.post("/members", body)
    assert r.status_code == expect, r.text
    return r.json()["member_id"] if expect == 201 else r.json()


def line(no: int, list_price: str, category: str = "misc", qty: str = "1", **kw: Any) -> dict:
    return {
        "line_no": no,
        "sku": f"SKU{no}",
        "category": category,
        "qty": qty,
        "list_price": list_price,
        **kw,
    }


def buy(api: Any, mid: str, receipt_no: str, at: str, *lines: dict, **kw: Any) -> dict:
    body = {"receipt_no": receipt_no, "member_id": mid, "occurred_at": at, "lines": list(lines)}
    body.update(kw)
    quoted = api.post("/purchases/quote", body)
    assert quoted.status_code == 200, quoted.text
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    assert quoted.json() == r.json()  # quote == commit
    return r.json()


def job(api: Any, name: str, as_of: str) -> dict:
    r = api.post(f"/jobs/{name}", {"as_of": as_of})
    assert r.status_code == 200, r.text
    return r.json()


def member(api: Any, mid: str) -> dict:
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    return r.json()


def tier(api: Any, mid: str) -> str:
    return member(api, mid)["tier"]


def history(api: Any, mid: str, kind: str | None = None) -> list[dict]:
    """The member's history, oldest first."""
    r = api.get(f"/members/{mid}/history")
    assert r.status_code == 200, r.text
    items = list(reversed(r.json()["items"]))
    return [h for h in items if kind is None or h["kind"] == kind]


def tier_moves(api: Any, mid: str) -> list[tuple[str, str, str, str]]:
    """(from, to, reason, occurred_at) of every tier change, oldest first."""
    return [
        (h["detail"]["from"], h["detail"]["to"], h["detail"]["reason"], h["occurred_at"])
        for h in history(api, mid, "tier_changed")
    ]


def assert_history_explains(api: Any, mid: str, first_tier: str) -> None:
    """Every tier change has a reason and a time, and the changes chain from the first tier to
    the tier the member holds now."""
    held = first_tier
    for h in history(api, mid, "tier_changed"):
        d = h["detail"]
        assert d["reason"] and h["occurred_at"], h
        assert d["from"] == held, (held, h)
        held = d["to"]
    assert tier(api, mid) == held


def verify_clean(api: Any) -> None:
    from huiyuan.services.verify import verify

    report = verify(api.ctx, api.program)
    assert report.ok, report.problems
