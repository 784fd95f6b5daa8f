"""Helpers for the rewards scheme tests (tests/schemes/test_rewards_<code>.py): enrolling,
buying, redeeming and asserting refusals through the HTTP API."""

from __future__ import annotations

import hashlib
import hmac
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import select

from huiyuan.store.schema import ledger_entries

ID = "11010519491231002X"  # a 身份证 number with a valid checksum
ID2 = "110101199003074258"


def enroll(api: Any, phone: str, **fields: Any) -> str:
    body = {"name": "王芳", "phone": phone, "joined_at": "2026-01-05T10:00:00+08:00", **fields}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    mid = r.json()["member_id"]
    if r.json()["status"] == "pending":
        r = api.post(f"/members/{mid}/activate", {"occurred_at": body["joined_at"]})
        assert r.status_code == 200, r.text
    return str(mid)


def line(no: int, list_price: str, category: str = "food", **kw: Any) -> dict[str, Any]:
    return {
        "line_no": no,
        "sku": f"SKU{no}",
        "category": category,
        "qty": "1",
        "list_price": list_price,
        **kw,
    }


def buy(
    api: Any, mid: str, receipt_no: str, at: str, lines: list[dict[str, Any]], **kw: Any
) -> dict[str, Any]:
    body = {"receipt_no": receipt_no, "member_id": mid, "occurred_at": at, "lines": lines, **kw}
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def refused(
    api: Any, path: str, body: dict[str, Any], code: str, status: int = 422
) -> dict[str, Any]:
    r = api.post(path, body)
    assert (r.status_code, r.json().get("code")) == (status, code), r.text
    return dict(r.json())


# Staff check the card and ID document as a matter of course (`id_checked`); the refusal when
# they do not is tested on its own.
def redeem(api: Any, mid: str, no: str, reward: str, at: str, **kw: Any) -> dict[str, Any]:
    body = redemption(mid, no, reward, at, **kw)
    r = api.post("/redemptions", body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def redemption(mid: str, no: str, reward: str, at: str, **kw: Any) -> dict[str, Any]:
    body = {"redemption_no": no, "member_id": mid, "reward": reward, "occurred_at": at}
    return {**body, "id_checked": True, **kw}


def points(api: Any, mid: str) -> int:
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    return int(r.json()["points"])


def ledger(api: Any, mid: str) -> list[dict[str, Any]]:
    r = api.get(f"/members/{mid}/ledger")
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def stock(api: Any, code: str) -> int | None:
    items = api.get("/rewards").json()["items"]
    return next(i["stock"] for i in items if i["code"] == code)


def use(api: Any, mid: str, code: str, use_no: str, at: str, id_checked: bool = True) -> Any:
    return api.post(
        f"/members/{mid}/entitlements/{code}/uses",
        {"use_no": use_no, "occurred_at": at, "id_checked": id_checked},
    )


def entitlements(api: Any, mid: str, at: str) -> dict[str, dict[str, Any]]:
    r = api.get(f"/members/{mid}/entitlements", params={"as_of": at})
    assert r.status_code == 200, r.text
    return {i["code"]: i for i in r.json()["items"]}


def entries_with_ref(api: Any, ref: str) -> list[Any]:
    """Ledger rows (every member) carrying a caller's number, straight from the table."""
    with api.ctx.engine.connect() as conn:
        return list(conn.execute(select(ledger_entries).where(ledger_entries.c.ref == ref)))


def roll(seed: str, draw_no: str, member_id: str) -> Decimal:
    """The lottery roll recomputed independently of the engine (SCHEMES.md §13: draws are
    reproducible): HMAC-SHA256(seed, "draw_no|member_id"), first 8 bytes / 2^64, 10 places."""
    digest = hmac.new(seed.encode(), f"{draw_no}|{member_id}".encode(), hashlib.sha256).digest()
    fraction = Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)
    return fraction.quantize(Decimal("0.0000000001"), rounding=ROUND_DOWN)
