"""`reclaim_members`: members whose guide's ownership has lapsed go to the company pool, and in
the same run the pool is dealt out evenly and at random among active guides (never back to a
guide who held the member before)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from ..domain.calendar import business_date, zone
from ..domain.ownership import Dealing, deal, dealing_seed, lapses_on
from ..domain.records.guides import Owned
from ..services.context import Context
from ..services.results.jobs import JobDetail
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, register

CHUNK = 500  # owned members per transaction


class ReclaimMembers:
    name = "reclaim_members"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        rules = stored.program.guides
        if rules is None or rules.ownership_months is None:
            return JobResult({"reclaimed": 0, "dealt": 0, "note": "ownership never lapses here"})
        ref = f"reclaim_members@{as_of.isoformat()}"
        reclaimed = _reclaim_lapsed(ctx, stored, rules.ownership_months, as_of, ref, state, tick)
        seed = dealing_seed(stored.code, as_of.isoformat())
        pool, guides, dealing = _deal_pool(ctx, stored, as_of, ref, seed)
        return JobResult(_report(reclaimed, pool, guides, dealing, seed))


def _reclaim_lapsed(
    ctx: Context,
    stored: StoredProgram,
    months: int,
    as_of: datetime,
    ref: str,
    state: dict[str, Any],
    tick: Progress,
) -> int:
    """Sends every member whose ownership lapsed by the job's day to the pool, a chunk per
    transaction; answers how many (a resumed run counts on from its state)."""
    pid = stored.program_id
    reclaimed = int(state.get("reclaimed", 0))
    while not state.get("reclaim_done"):
        with ctx.uow() as uow:
            owned = uow.guides.owned_with_last_purchase(pid, state.get("cursor"), CHUNK)
            if not owned:
                state["reclaim_done"] = True
                break
            for o in owned:
                if _lapsed(o, months, as_of, stored):
                    uow.members.get(pid, o.member_id, lock=True)
                    uow.guides.set_owner(pid, o.member_id, None, as_of)
                    uow.guides.record_change(
                        pid, o.member_id, o.guide_id, None, "reclaimed", as_of, ref
                    )
                    reclaimed += 1
            state["cursor"] = owned[-1].member_id
            state["reclaimed"] = reclaimed
            uow.commit()
        tick(len(owned))
    return reclaimed


def _lapsed(owned: Owned, months: int, as_of: datetime, stored: StoredProgram) -> bool:
    tz = zone(stored.program.timezone)
    start = business_date(owned.guide_since or as_of, tz)
    last = business_date(owned.last_purchase, tz) if owned.last_purchase else None
    return lapses_on(start, last, months) <= business_date(as_of, tz)


def _deal_pool(
    ctx: Context, stored: StoredProgram, as_of: datetime, ref: str, seed: str
) -> tuple[list[str], list[str], Dealing]:
    """Deals the pool out among the active guides; answers (pool, guides, dealing)."""
    pid = stored.program_id
    with ctx.uow() as uow:
        pool = uow.guides.pool(pid)
        guides = [g.guide_id for g in uow.guides.active(pid)]
        dealing = deal(pool, guides, uow.guides.former_owners(pid, pool), seed)
        for member_id, guide_id in sorted(dealing.assigned.items()):
            uow.guides.set_owner(pid, member_id, guide_id, as_of)
            uow.guides.record_change(pid, member_id, None, guide_id, "dealt", as_of, ref)
        uow.commit()
    return pool, guides, dealing


def _report(
    reclaimed: int, pool: list[str], guides: list[str], dealing: Dealing, seed: str
) -> JobDetail:
    counts = Counter(dealing.assigned.values())
    return {
        "reclaimed": reclaimed,
        "pool": len(pool),
        "dealt": len(dealing.assigned),
        "per_guide": {g: counts.get(g, 0) for g in sorted(guides)},
        "left_in_pool": dealing.undealt,
        "left_in_pool_reason": "只剩曾经的导购 / only former owners remain"
        if dealing.undealt
        else None,
        "seed": seed,
    }


register(ReclaimMembers())
