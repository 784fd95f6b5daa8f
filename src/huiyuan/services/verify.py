"""Reconciliation: every balance must be derivable from the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field

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
        for lot in uow.ledger.bad_lots(program_id):
            swept = (
                ""
                if lot.expired_points is None and lot.swept_at is None
                else f"; expired {lot.expired_points} at {lot.swept_at}"
            )
            report.problems.append(
                f"lot {lot.lot_id} of member {lot.member_id}: remaining {lot.remaining}, "
                f"expected {lot.expected} (of {lot.points}{swept})"
            )
        for entry in uow.ledger.bad_entries(program_id):
            report.problems.append(
                f"entry {entry.entry_id} ({entry.kind} {entry.points}) of member "
                f"{entry.member_id}: lots drawn {entry.drawn}"
            )
        for x in uow.ledger.bad_expiries(program_id):
            report.problems.append(
                f"expiry of member {x.member_id} at {x.at}: entries {int(x.expired)}, "
                f"taken from lots {int(x.taken)}"
            )
        for m in uow.ledger.bad_members(program_id):
            report.problems.append(
                f"member {m.member_id}: balance {m.points}, debt {m.debt}; "
                f"entries sum {m.entries_sum}, "
                f"lots hold {m.lots_sum}, debt from clawbacks {m.clawback_debt}"
            )
        # issue 5: stored value — the projection equals the sum of its entries, never below 0.
        for sv in uow.stored_value.bad_members(program_id):
            report.problems.append(
                f"member {sv.member_id}: stored value {sv.stored_value}, "
                f"stored-value entries sum {sv.entries_sum}"
            )
        report.members = len(uow.members.all_ids(program_id)) if program_id else 0
    return report
