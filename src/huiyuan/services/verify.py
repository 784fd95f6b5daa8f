"""Reconciliation: every balance must be derivable from the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.records.ledger import EntryMismatch, ExpiryMismatch, LotMismatch, MemberMismatch
from ..store.uow import UnitOfWork
from .context import Context


@dataclass
class VerifyReport:
    members: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(ctx: Context, program_code: str | None = None) -> VerifyReport:
    report = VerifyReport()
    with ctx.uow(write=False) as uow:
        program_id = None
        if program_code is not None:
            stored = uow.programs.get(program_code)
            if stored is None:
                report.problems.append(f"no program {program_code!r}")
                return report
            program_id = stored.program_id
        report.problems.extend(_problems(uow, program_id))
        report.members = len(uow.members.all_ids(program_id)) if program_id else 0
    return report


def _problems(uow: UnitOfWork, program_id: int | None) -> list[str]:
    """Every disagreement found, one line each: lots, entries, expiries, the points balance
    projections, then stored value (its projection equals the sum of its entries, never
    below 0)."""
    out = [_lot(x) for x in uow.ledger.bad_lots(program_id)]
    out += [_entry(x) for x in uow.ledger.bad_entries(program_id)]
    out += [_expiry(x) for x in uow.ledger.bad_expiries(program_id)]
    out += [_member(x) for x in uow.ledger.bad_members(program_id)]
    out += [
        f"member {m.member_id}: stored value {m.stored_value}, "
        f"stored-value entries sum {m.entries_sum}"
        for m in uow.stored_value.bad_members(program_id)
    ]
    return out


def _lot(lot: LotMismatch) -> str:
    swept = (
        ""
        if lot.expired_points is None and lot.swept_at is None
        else f"; expired {lot.expired_points} at {lot.swept_at}"
    )
    return (
        f"lot {lot.lot_id} of member {lot.member_id}: remaining {lot.remaining}, "
        f"expected {lot.expected} (of {lot.points}{swept})"
    )


def _entry(entry: EntryMismatch) -> str:
    return (
        f"entry {entry.entry_id} ({entry.kind} {entry.points}) of member "
        f"{entry.member_id}: lots drawn {entry.drawn}"
    )


def _expiry(x: ExpiryMismatch) -> str:
    return (
        f"expiry of member {x.member_id} at {x.at}: entries {x.expired}, taken from lots {x.taken}"
    )


def _member(m: MemberMismatch) -> str:
    return (
        f"member {m.member_id}: balance {m.points}, debt {m.debt}; "
        f"entries sum {m.entries_sum}, "
        f"lots hold {m.lots_sum}, debt from clawbacks {m.clawback_debt}"
    )
