"""`accrue_deposits`: deposit points (bank_referral: 10 points per full 100000.00 of the lowest
balance held in a calendar month), credited for every month that ended by the job's moment and
was not credited before, dated at the job's `as_of` (300000.00 held from Dec 31 through March →
30 + 30 + 30 = 90 points by Apr 1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.statuses import MemberStatus
from ..services import stored_value
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunks, register


class AccrueDeposits:
    name = "accrue_deposits"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        config = stored.program.stored_value
        if config is None or config.accrual is None:
            return JobResult({"points": 0, "note": "program has no deposit points"})
        pid = stored.program_id
        now = ctx.now()
        points = int(state.get("points", 0))
        for uow, ids in chunks(
            ctx, lambda u, after, n: u.stored_value.holders_after(pid, after, n), state
        ):
            for member_id in ids:
                row = uow.members.get(pid, member_id, lock=True)
                if row is None or row.status == MemberStatus.CANCELLED:
                    continue
                points += stored_value.accrue(uow, stored, member_id, as_of, now)
            state["points"] = points
            tick(len(ids))
        return JobResult({"points": points})


register(AccrueDeposits())
