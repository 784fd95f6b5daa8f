"""`plan_service_tasks`: each month, the class service plans become dated tasks for the
owning guide (a monthly call, birthday flowers, holiday SMS, news SMS)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.calendar import MonthDay, business_date, month_bounds, start_of_day, zone
from ..domain.festivals import festival_date
from ..domain.program import PlannedTask, ServicePlan, TaskKind
from ..domain.records.guides import NewTask
from ..domain.records.members import Member
from ..domain.statuses import MemberStatus, TaskStatus
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .base import JobResult, Progress, chunks, register

MORNING = time(9)  # dated tasks fall due at 09:00 of their day


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
        first, _ = month_bounds(business_date(as_of, zone(stored.program.timezone)))
        created = int(state.get("tasks", 0))
        now = ctx.now()
        for uow, ids in chunks(
            ctx, lambda u, after, n: u.members.ids_after(pid, after, n), state, 500
        ):
            for member_id in ids:
                created += _plan_member(uow, stored, plans, member_id, first, now)
            state["tasks"] = created
            tick(len(ids))
        return JobResult({"tasks": created, "month": first.strftime("%Y-%m")})


def _plan_member(
    uow: UnitOfWork,
    stored: StoredProgram,
    plans: tuple[ServicePlan, ...],
    member_id: str,
    first: date,
    now: datetime,
) -> int:
    """Adds the month's tasks of an active member's class plan; answers how many were new."""
    member = uow.members.get(stored.program_id, member_id)
    if member is None or member.status != MemberStatus.ACTIVE or member.customer_class is None:
        return 0
    plan = next((p for p in plans if member.customer_class in p.classes), None)
    if plan is None:
        return 0
    tz = zone(stored.program.timezone)
    month_key = first.strftime("%Y-%m")
    created = 0
    for planned in plan.tasks:
        for kind, due, extra in task_dates(planned, member, first, tz):
            task = NewTask(
                program_id=stored.program_id,
                member_id=member_id,
                guide_id=member.guide_id,
                kind=kind,
                source=f"plan:{member_id}:{kind}:{month_key}{extra}",
                detail={"class": member.customer_class},
                due_at=due,
                status=TaskStatus.OPEN,
                created_at=now,
            )
            created += uow.guides.add_task(task)
    return created


def task_dates(
    task: PlannedTask, member: Member, first: date, tz: ZoneInfo
) -> list[tuple[str, datetime, str]]:
    """(kind, due moment, source suffix) of a planned task in the month starting `first`:
    calls and news at the month's end every N months (from January), flowers on the
    birthday, an SMS on each festival of the month."""
    kind = task.kind
    if kind in (TaskKind.CALL, TaskKind.NEWS_SMS):
        if (first.month - 1) % task.every_months:
            return []
        return [(kind.value, start_of_day(month_bounds(first)[1], tz), "")]
    if kind is TaskKind.BIRTHDAY_FLOWERS:
        return _flowers(member.birthday, first, tz)
    out = []
    for code in task.festivals:
        day = festival_date(code, first.year)
        if day.year == first.year and day.month == first.month:
            out.append((kind.value, datetime.combine(day, MORNING, tzinfo=tz), f":{code}"))
    return out


def _flowers(birthday: str | None, first: date, tz: ZoneInfo) -> list[tuple[str, datetime, str]]:
    if not birthday:
        return []
    born = MonthDay.parse(birthday)
    if born.month != first.month:
        return []
    day = born.in_year(first.year)
    return [(TaskKind.BIRTHDAY_FLOWERS.value, datetime.combine(day, MORNING, tzinfo=tz), "")]


register(PlanServiceTasks())
