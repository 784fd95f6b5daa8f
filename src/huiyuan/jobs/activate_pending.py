"""`activate_pending`: members not activated by hand become active after the program's days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..domain.statuses import MemberStatus
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunks, register


class ActivatePending:
    name = "activate_pending"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        days = stored.program.membership.auto_activate_days
        if days is None:
            return JobResult({"activated": 0, "note": "program has no automatic activation"})
        pid = stored.program_id
        joined_before = as_of - timedelta(days=days)
        activated = int(state.get("activated", 0))
        now = ctx.now()
        for uow, ids in chunks(
            ctx,
            lambda u, after, n: u.members.pending_joined_before(pid, joined_before, after, n),
            state,
        ):
            for member_id in ids:
                uow.members.update(pid, member_id, status=MemberStatus.ACTIVE, updated_at=now)
                uow.members.record(
                    pid,
                    member_id,
                    "status",
                    {
                        "from": MemberStatus.PENDING,
                        "to": MemberStatus.ACTIVE,
                        "by": "activate_pending",
                        "days": days,
                    },
                    "job:activate_pending",
                    as_of,
                    now,
                )
                activated += 1
            state["activated"] = activated
            tick(len(ids))
        return JobResult({"activated": activated})


register(ActivatePending())
