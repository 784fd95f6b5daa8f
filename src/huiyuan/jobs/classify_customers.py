"""`classify_customers`: sets each member's customer class (客户分级) from the program's
`[classes]` bands as of a moment — spend in the trailing days (alliance, apparel) or points
earned in the calendar year so far (wushang, where the class resets to the lowest on Jan 1).
Every change is recorded in the member's history; a second run changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.calendar import business_date, start_of_day, year_bounds, zone
from ..domain.program import ClassMetric
from ..domain.statuses import MemberStatus
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunks, register

TICK = timedelta(microseconds=1)


class ClassifyCustomers:
    name = "classify_customers"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        classes = stored.program.classes
        if classes is None:
            return JobResult({"changed": 0, "note": "program has no customer classes"})
        pid = stored.program_id
        tz = zone(stored.program.timezone)
        now = ctx.now()
        changed = int(state.get("changed", 0))
        counts: dict[str, int] = dict(state.get("classes", {}))
        for uow, ids in chunks(
            ctx,
            lambda u, after, n: u.lifecycle.member_ids_after(pid, after, n, (MemberStatus.ACTIVE,)),
            state,
        ):
            for member_id in ids:
                row = uow.members.get(pid, member_id, lock=True)
                assert row is not None
                if classes.metric is ClassMetric.YEAR_POINTS:
                    start, _ = year_bounds(business_date(as_of, tz))
                    per_cat = uow.receipts.category_points(
                        pid, member_id, start_of_day(start, tz), as_of + TICK
                    )
                    value = Decimal(sum(per_cat.values()))
                    measured = f"points earned since {start.isoformat()}"
                else:
                    days = classes.days or 365
                    value, _ = uow.receipts.spend(
                        pid, member_id, as_of - timedelta(days=days), as_of + TICK
                    )
                    measured = f"spend in the {days} days before"
                code = classes.band_for(value)
                counts[code] = counts.get(code, 0) + 1
                if code == row.customer_class:
                    continue
                uow.members.update(pid, member_id, customer_class=code, updated_at=now)
                uow.members.record(
                    pid,
                    member_id,
                    "class_changed",
                    {
                        "from": row.customer_class,
                        "to": code,
                        "value": str(value),
                        "measured": measured,
                    },
                    "job:classify_customers",
                    as_of,
                    now,
                )
                changed += 1
            state.update(changed=changed, classes=counts)
            tick(len(ids))
        return JobResult({"changed": changed, "classes": counts})


register(ClassifyCustomers())
