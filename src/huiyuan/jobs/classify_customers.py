"""`classify_customers`: sets each member's customer class (客户分级) from the program's
`[classes]` bands as of a moment — spend in the trailing days (alliance, apparel) or points
earned in the calendar year so far (wushang, where the class resets to the lowest on Jan 1).
Every change is recorded in the member's history; a second run changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.calendar import business_date, start_of_day, year_bounds, zone
from ..domain.program import Classes, ClassMetric
from ..domain.statuses import MemberStatus
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
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
        now = ctx.now()
        changed = int(state.get("changed", 0))
        counts: dict[str, int] = dict(state.get("classes", {}))
        for uow, ids in chunks(
            ctx,
            lambda u, after, n: u.lifecycle.member_ids_after(pid, after, n, (MemberStatus.ACTIVE,)),
            state,
        ):
            for member_id in ids:
                code, moved = _classify(uow, stored, classes, member_id, as_of, now)
                counts[code] = counts.get(code, 0) + 1
                changed += moved
            state.update(changed=changed, classes=counts)
            tick(len(ids))
        return JobResult({"changed": changed, "classes": counts})


def _classify(
    uow: UnitOfWork,
    stored: StoredProgram,
    classes: Classes,
    member_id: str,
    as_of: datetime,
    now: datetime,
) -> tuple[str, bool]:
    """Sets the member's class from the program's bands (a change goes to their history);
    answers the class and whether it changed."""
    pid = stored.program_id
    member = uow.members.get(pid, member_id, lock=True)
    assert member is not None
    value, measured = _measure(uow, stored, classes, member_id, as_of)
    code = classes.band_for(value)
    if code == member.customer_class:
        return code, False
    uow.members.update(pid, member_id, customer_class=code, updated_at=now)
    detail = {"from": member.customer_class, "to": code, "value": str(value), "measured": measured}
    uow.members.record(
        pid, member_id, "class_changed", detail, "job:classify_customers", as_of, now
    )
    return code, True


def _measure(
    uow: UnitOfWork, stored: StoredProgram, classes: Classes, member_id: str, as_of: datetime
) -> tuple[Decimal, str]:
    """(value, what it measures) the member's class is decided on as of the moment."""
    pid = stored.program_id
    if classes.metric is ClassMetric.YEAR_POINTS:
        tz = zone(stored.program.timezone)
        start, _ = year_bounds(business_date(as_of, tz))
        per_category = uow.receipts.category_points(
            pid, member_id, start_of_day(start, tz), as_of + TICK
        )
        return Decimal(sum(per_category.values())), f"points earned since {start.isoformat()}"
    days = classes.days or 365
    value, _ = uow.receipts.spend(pid, member_id, as_of - timedelta(days=days), as_of + TICK)
    return value, f"spend in the {days} days before"


register(ClassifyCustomers())
