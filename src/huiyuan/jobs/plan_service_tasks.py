"""`plan_service_tasks`: each month, the class service plans become dated tasks for the
owning guide (a monthly call, birthday flowers, holiday SMS, news SMS)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from ..domain.calendar import MonthDay, business_date, month_bounds, start_of_day, zone
from ..domain.festivals import festival_date
from ..domain.program import TaskKind
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, register


class PlanServiceTasks:
    name = "plan_service_tasks"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        plans = stored.program.service_plans
        if not plans:
            return JobResult({"tasks": 0, "note": "no service plans here"})
        pid = stored.program_id
        tz = zone(stored.program.timezone)
        first, nxt = month_bounds(business_date(as_of, tz))
        month_key = first.strftime("%Y-%m")
        end_of_month = start_of_day(nxt, tz)
        created = int(state.get("tasks", 0))
        now = ctx.now()
        while True:
            with ctx.uow() as uow:
                ids = uow.members.ids_after(pid, state.get("cursor"), 500)
                if not ids:
                    break
                for member_id in ids:
                    row = uow.members.get(pid, member_id)
                    if row is None or row.status != "active" or row.customer_class is None:
                        continue
                    plan = next((p for p in plans if row.customer_class in p.classes), None)
                    if plan is None:
                        continue
                    for task in plan.tasks:
                        for kind, due, extra in _due(task, row, first, end_of_month, tz):
                            created += uow.guides.add_task(
                                {
                                    "program_id": pid,
                                    "member_id": member_id,
                                    "guide_id": row.guide_id,
                                    "kind": kind,
                                    "source": f"plan:{member_id}:{kind}:{month_key}{extra}",
                                    "detail": {"class": row.customer_class},
                                    "due_at": due,
                                    "status": "open",
                                    "created_at": now,
                                }
                            )
                state["cursor"] = ids[-1]
                state["tasks"] = created
                uow.commit()
            tick(len(ids))
        return JobResult({"tasks": created, "month": month_key})


def _due(
    task: Any, row: Any, first: Any, end_of_month: datetime, tz: Any
) -> list[tuple[str, datetime, str]]:
    kind: TaskKind = task.kind
    if kind in (TaskKind.CALL, TaskKind.NEWS_SMS):
        if (first.month - 1) % task.every_months:
            return []
        return [(kind.value, end_of_month, "")]
    if kind is TaskKind.BIRTHDAY_FLOWERS:
        if not row.birthday:
            return []
        birthday = MonthDay.parse(row.birthday)
        if birthday.month != first.month:
            return []
        day = birthday.in_year(first.year)
        return [(kind.value, datetime.combine(day, time(9), tzinfo=tz), "")]
    out = []
    for code in task.festivals:
        day = festival_date(code, first.year)
        if day.year == first.year and day.month == first.month:
            out.append((kind.value, datetime.combine(day, time(9), tzinfo=tz), f":{code}"))
    return out


register(PlanServiceTasks())
