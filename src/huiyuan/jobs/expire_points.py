"""`expire_points`: writes the expiry entries for every lot expired by the job's moment.

Balances as of a moment already leave expired lots out; this job makes the ledger say so,
with entries dated at the job's `as_of`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..services import ledger
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunk_size, chunks, register

CHUNK = 10_000  # members per transaction


class ExpirePoints:
    name = "expire_points"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        pid = stored.program_id
        expired_total = int(state.get("points", 0))
        now = ctx.now()
        for uow, ids in chunks(
            ctx,
            # Chunks are runs of members by id, read from the members' key (the first and the
            # last of each): asking which members hold expired lots would read every lot once
            # more than the sweep does.
            lambda u, after, n: u.ledger.member_run_after(pid, after, n),
            state,
            # Set-based per chunk (a few statements whatever its size): big chunks, few round
            # trips. HUIYUAN_JOB_CHUNK still overrides (smaller: shorter write locks).
            chunk_size(default=CHUNK),
        ):
            members, points = ledger.expire_members(uow, pid, ids, as_of, now)
            expired_total += points
            state["points"] = expired_total
            # `processed` counts the members whose points expired, as before.
            tick(members)
        return JobResult({"points_expired": expired_total})


register(ExpirePoints())
