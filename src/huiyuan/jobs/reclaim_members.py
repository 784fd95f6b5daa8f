"""`reclaim_members`: members whose guide's ownership has lapsed go to the company pool, and in
the same run the pool is dealt out evenly and at random among active guides (never back to a
guide who held the member before)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from ..domain.calendar import business_date, zone
from ..domain.ownership import deal, dealing_seed, lapses_on
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, register


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
        pid = stored.program_id
        tz = zone(stored.program.timezone)
        day = business_date(as_of, tz)
        ref = f"reclaim_members@{as_of.isoformat()}"
        reclaimed = int(state.get("reclaimed", 0))
        while not state.get("reclaim_done"):
            with ctx.uow() as uow:
                rows = uow.guides.owned_with_last_purchase(pid, state.get("cursor"), 500)
                if not rows:
                    state["reclaim_done"] = True
                    break
                for member_id, guide_id, since, last in rows:
                    start = business_date(since or as_of, tz)
                    last_day = business_date(last, tz) if last else None
                    if lapses_on(start, last_day, rules.ownership_months) <= day:
                        uow.members.get(pid, member_id, lock=True)
                        uow.guides.set_owner(pid, member_id, None, as_of)
                        uow.guides.record_change(
                            pid, member_id, guide_id, None, "reclaimed", as_of, ref
                        )
                        reclaimed += 1
                state["cursor"] = rows[-1][0]
                state["reclaimed"] = reclaimed
                uow.commit()
            tick(len(rows))
        seed = dealing_seed(stored.code, as_of.isoformat())
        with ctx.uow() as uow:
            pool = uow.guides.pool(pid)
            guides = [g.guide_id for g in uow.guides.active(pid)]
            former = uow.guides.former_owners(pid, pool)
            dealing = deal(pool, guides, former, seed)
            for member_id, guide_id in sorted(dealing.assigned.items()):
                uow.guides.set_owner(pid, member_id, guide_id, as_of)
                uow.guides.record_change(pid, member_id, None, guide_id, "dealt", as_of, ref)
            uow.commit()
        counts = Counter(dealing.assigned.values())
        return JobResult(
            {
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
        )


register(ReclaimMembers())
