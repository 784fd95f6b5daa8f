"""A member's points as of a moment, and their ledger."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ..domain.calendar import zone
from ..domain.ledger import EntryKind
from ..domain.money import fmt
from ..domain.records.ledger import Entry
from ..domain.statuses import VoucherStatus
from . import ledger
from .context import Context, require_member, require_program
from .paging import page_of
from .results.accounts import Balance, LedgerEntry, LedgerPage, MemberVoucher, MemberVouchers


def balance(ctx: Context, program_code: str, member_id: str, as_of: datetime | None) -> Balance:
    at = as_of or ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        member = require_member(uow, stored.program_id, member_id)
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
            "stored_value": fmt(member.stored_value),
        }


def entries(
    ctx: Context, program_code: str, member_id: str, limit: int, before: int | None
) -> LedgerPage:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        rows = uow.ledger.entries(stored.program_id, member_id, limit + 1, before)
    page, next_before = page_of(rows, limit, lambda e: e.entry_id)
    return {"items": [_entry(e, tz) for e in page], "next_before": next_before}


def _entry(e: Entry, tz: ZoneInfo) -> LedgerEntry:
    return {
        "entry_id": e.entry_id,
        "kind": EntryKind(e.kind),
        "points": int(e.points),
        "occurred_at": e.occurred_at.astimezone(tz).isoformat(),
        "recorded_at": e.recorded_at.astimezone(tz).isoformat(),
        "ref": e.ref,
        "reason": e.reason,
    }


def vouchers(ctx: Context, program_code: str, member_id: str) -> MemberVouchers:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        now = ctx.now()
        items: list[MemberVoucher] = []
        for v in uow.rewards.member_vouchers(stored.program_id, member_id):
            status = VoucherStatus(v.status)
            if (
                status == VoucherStatus.ISSUED
                and v.valid_until is not None
                and now >= v.valid_until
            ):
                status = VoucherStatus.EXPIRED
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
