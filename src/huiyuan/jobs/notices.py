"""What the two notice jobs (`send_reminders`, `send_care_messages`) share: a walk over the
candidate members, chunk by chunk, writing each active member's notices to the outbox in the
chunk's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.records.members import Member
from ..domain.reminders import Candidates, Notice
from ..domain.statuses import MemberStatus
from ..notify.outbox import DUPLICATE, enqueue
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .base import Progress, chunks

# The notices one member is due, read and decided inside the chunk's unit of work.
NoticesOf = Callable[[UnitOfWork, Member], list[Notice]]


def queue_notices(
    ctx: Context,
    stored: StoredProgram,
    as_of: datetime,
    state: dict[str, Any],
    tick: Progress,
    wanted: Candidates,
    notices_of: NoticesOf,
) -> dict[str, int]:
    """Writes the notices of every active member among `wanted`; answers how many of each kind
    were queued (a resumed run goes on counting from its saved state). Each message is keyed,
    so a second run, or a resumed one, writes nothing twice."""
    pid = stored.program_id
    queued: dict[str, int] = dict(state.get("queued", {}))
    now = ctx.now()

    def pick(uow: UnitOfWork, after: str | None, n: int) -> list[str]:
        return uow.notices.pick(pid, wanted, after, n)

    for uow, ids in chunks(ctx, pick, state):
        for member in _active(uow, pid, ids):
            for notice in notices_of(uow, member):
                done = enqueue(
                    uow, stored, member, notice.kind, notice.key, notice.params, as_of, now
                )
                if done.status != DUPLICATE:
                    queued[notice.kind] = queued.get(notice.kind, 0) + 1
        state["queued"] = queued
        tick(len(ids))
    return queued


def _active(uow: UnitOfWork, program_id: int, member_ids: list[str]) -> list[Member]:
    """The active members among `member_ids`, each locked: one writer per member."""
    out = []
    for member_id in member_ids:
        member = uow.members.get(program_id, member_id, lock=True)
        if member is not None and member.status == MemberStatus.ACTIVE:
            out.append(member)
    return out
