"""Helpers the API tests share (supermarket members: name, phone, ID number, a 5.00 fee)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

ID = "11010519491231002X"  # a valid 身份证 (checksum X)
JOINED = "2026-01-05T10:00:00+08:00"


def active_member(api: Any, phone: str = "13800138000") -> str:
    """Enrolls a supermarket member and activates them (new members start pending there)."""
    body = {
        "name": "王芳",
        "phone": phone,
        "id_number": ID,
        "fee_paid": "5.00",
        "joined_at": JOINED,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    member_id = str(r.json()["member_id"])
    r = api.post(f"/members/{member_id}/activate", {"occurred_at": JOINED})
    assert r.status_code == 200, r.text
    return member_id


def row_count(api: Any, table: Any) -> int:
    with api.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def reversal(r: Any) -> tuple[int, int]:
    """(points_reversed, balance) of a return's answer."""
    assert r.status_code == 201, r.text
    return r.json()["points_reversed"], r.json()["balance"]
