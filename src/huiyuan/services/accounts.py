"""A member's points as of a moment, and their ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.calendar import zone
from ..domain.money import fmt
from . import ledger
from .context import Context, require_member, require_program


def balance(
    ctx: Context, program_code: str, member_id: str, as_of: datetime | None
) -> dict[str, Any]:
    at = as_of or ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        result = ledger.balance_as_of(uow, stored.program_id, member_id, at)
        return {
            "member_id": member_id,
            "as_of": at.astimezone(tz).isoformat(),
            "points": result.points,
            "expiring": [
                {"expires_at": when.astimezone(tz).isoformat(), "points": n}
                for when, n in result.expiring
            ],
            "stored_value": fmt(row.stored_value),
        }


def entries(
    ctx: Context, program_code: str, member_id: str, limit: int, before: int | None
) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        rows = uow.ledger.entries(stored.program_id, member_id, limit + 1, before)
        page = rows[:limit]
        return {
            "items": [
                {
                    "entry_id": r.entry_id,
                    "kind": r.kind,
                    "points": int(r.points),
                    "occurred_at": r.occurred_at.astimezone(tz).isoformat(),
                    "recorded_at": r.recorded_at.astimezone(tz).isoformat(),
                    "ref": r.ref,
                    "reason": r.reason,
                }
                for r in page
            ],
            "next_before": page[-1].entry_id if len(rows) > limit else None,
        }


def vouchers(ctx: Context, program_code: str, member_id: str) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        now = ctx.now()
        items = []
        for v in uow.rewards.member_vouchers(stored.program_id, member_id):
            status: str = v.status
            if status == "issued" and v.valid_until is not None and now >= v.valid_until:
                status = "expired"
            items.append(
                {
                    "code": v.code,
                    "reward": v.reward,
                    "value": fmt(v.value),
                    "status": status,
                    "issued_at": v.issued_at.astimezone(tz).isoformat(),
                    "valid_until": v.valid_until.astimezone(tz).isoformat()
                    if v.valid_until
                    else None,
                    "used_receipt": v.used_receipt,
                }
            )
        return {"items": items}
