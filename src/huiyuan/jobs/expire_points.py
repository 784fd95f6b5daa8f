"""`expire_points`: writes the expiry entries for every lot expired by the job's moment.

Balances as of a moment already leave expired lots out; this job makes the ledger say so,
with entries dated at the job's `as_of`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..services.context import Context
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .base import JobResult, Progress, chunk_size, chunks, register

CHUNK = 10_000  # members per transaction


def expire_members(
    uow: UnitOfWork, program_id: int, member_ids: list[str], as_of: datetime, now: datetime
) -> tuple[int, int]:
    """Expires, set-based, every lot expired by `as_of` of a run of members: one `expire`
    entry per member with expired points, the lots emptied with their expiry recorded on
    them, the balances moved; (members, points) expired.

    `member_ids` ends a run of members in id order as the job's pick gives them (the first
    and the last of the members after the cursor, up to the chunk size): the members from
    the first to the last are expired together, in a few statements whatever their number.
    A second expiry at the same moment finds nothing left and writes nothing."""
    if not member_ids:
        return 0, 0
    ref = f"expiry:{as_of.isoformat()}"
    return uow.ledger.expire_range(program_id, member_ids[0], member_ids[-1], as_of, now, ref)


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
            members, points = expire_members(uow, pid, ids, as_of, now)
            expired_total += points
            state["points"] = expired_total
            # `processed` counts the members whose points expired, as before.
            tick(members)
        return JobResult({"points_expired": expired_total})


register(ExpirePoints())
