"""Guides (导购): who looks after which member, their service tasks, commission and reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

from ..domain.calendar import month_bounds, start_of_day, zone
from ..domain.money import ZERO, fmt, money
from ..domain.program import GuideRules
from ..domain.records.guides import NewTask, Sale, ServiceTask
from ..domain.statuses import TaskStatus
from ..errors import Invalid, NotFound
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .context import Context, require_member, require_program
from .idempotency import run_once
from .inputs import FeedbackIn, GuideIn, TaskDoneIn, moment
from .members import member_view
from .results.guides import (
    FeedbackTaken,
    GuideMembers,
    GuideView,
    OwnershipHistory,
    TaskList,
    TaskView,
    VipMonthly,
    VipMonthlyRow,
)


def upsert_guide(ctx: Context, program_code: str, data: GuideIn) -> tuple[GuideView, bool]:
    """The guide, and whether they are new (the same id again updates them)."""
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        created = uow.guides.upsert(
            stored.program_id,
            data.guide_id,
            {
                "name": data.name,
                "store": data.store,
                "merchant": data.merchant,
                "active": data.active,
            },
            now,
        )
        uow.commit()
    view: GuideView = {
        "guide_id": data.guide_id,
        "name": data.name,
        "store": data.store,
        "merchant": data.merchant,
        "active": data.active,
    }
    return view, created


def guide_members(ctx: Context, program_code: str, guide_id: str) -> GuideMembers:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        if uow.guides.get(stored.program_id, guide_id) is None:
            raise NotFound("没有该导购 / no such guide", code="guide_not_found")
        rows = uow.guides.members_of(stored.program_id, guide_id)
        return {
            "items": [
                member_view(stored, r, uow.members.active_card(stored.program_id, r.member_id))
                for r in rows
            ]
        }


def ownership_history(ctx: Context, program_code: str, member_id: str) -> OwnershipHistory:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        return {
            "items": [
                {
                    "from": c.from_guide,
                    "to": c.to_guide,
                    "reason": c.reason,
                    "occurred_at": c.occurred_at.astimezone(tz).isoformat(),
                    "ref": c.ref,
                }
                for c in uow.guides.changes(stored.program_id, member_id)
            ]
        }


# ----------------------------------------------------------------------------- tasks


def _task_view(t: ServiceTask, tz: ZoneInfo, now: datetime) -> TaskView:
    return {
        "task_id": int(t.task_id),
        "member_id": t.member_id,
        "guide_id": t.guide_id,
        "kind": t.kind,
        "detail": t.detail,
        "due_at": t.due_at.astimezone(tz).isoformat(),
        "status": TaskStatus(t.status),
        "overdue": t.status == TaskStatus.OPEN and t.due_at < now,
        "note": t.note,
        "completed_at": t.completed_at.astimezone(tz).isoformat() if t.completed_at else None,
    }


def add_feedback(
    ctx: Context, program_code: str, member_id: str, data: FeedbackIn
) -> FeedbackTaken:
    """Feedback or a complaint becomes a task for the owning guide, due within the program's
    hours (24 h); overdue ones are flagged in task lists and reports."""
    now = ctx.now()
    at = moment(data.occurred_at, now)

    def work(uow: UnitOfWork, stored: StoredProgram) -> FeedbackTaken:
        member = require_member(uow, stored.program_id, member_id)
        rules = stored.program.guides
        due = at + timedelta(hours=rules.feedback_hours if rules else 24)
        uow.guides.add_task(
            NewTask(
                program_id=stored.program_id,
                member_id=member_id,
                guide_id=member.guide_id,
                kind="complaint" if data.complaint else "feedback",
                source=f"feedback:{data.feedback_no}",
                detail={"text": data.text},
                due_at=due,
                status=TaskStatus.OPEN,
                created_at=now,
            )
        )
        return {
            "feedback_no": data.feedback_no,
            "guide_id": member.guide_id,
            "due_at": due.astimezone(zone(stored.program.timezone)).isoformat(),
        }

    fingerprint = ctx.fingerprint(data)
    return run_once(ctx, program_code, "feedback", data.feedback_no, fingerprint, work)


def list_tasks(ctx: Context, program_code: str, guide_id: str, status: str | None) -> TaskList:
    """A guide's tasks; `status` open, done or overdue (open past its due moment)."""
    now = ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        tz = zone(stored.program.timezone)
        items = [_task_view(t, tz, now) for t in uow.guides.tasks(stored.program_id, guide_id)]
    if status == TaskStatus.OVERDUE:
        items = [t for t in items if t["overdue"]]
    elif status in (TaskStatus.OPEN, TaskStatus.DONE):
        items = [t for t in items if t["status"] == status]
    return {"items": items}


def complete_task(ctx: Context, program_code: str, task_id: int, data: TaskDoneIn) -> TaskView:
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        task = uow.guides.task(stored.program_id, task_id)
        if task is None:
            raise NotFound("没有该任务 / no such task", code="task_not_found")
        if task.status == TaskStatus.DONE:
            raise Invalid("任务已完成 / the task is already done", code="task_done")
        uow.guides.complete_task(task_id, data.note, moment(data.occurred_at, now))
        uow.commit()
    with ctx.uow(write=False) as uow:
        done = uow.guides.task(stored.program_id, task_id)
        assert done is not None
        return _task_view(done, zone(stored.program.timezone), now)


# ----------------------------------------------------------------------------- reports

# The report's groups: by guide, store or merchant, each a column of members and receipts.
GROUPS = {"guide": "guide_id", "store": "store", "merchant": "merchant"}
NO_GROUP = "-"  # members and receipts without a guide (store, merchant)


@dataclass
class _Tally:
    """One group's month while the report adds it up."""

    new_members: int = 0
    active_members: set[str] = field(default_factory=set)
    receipts: int = 0
    sales: Decimal = ZERO
    made_to_measure_sales: Decimal = ZERO
    points_issued: int = 0
    tier_moves: int = 0
    tasks_done: int = 0
    tasks_overdue: int = 0


def _month(month: str) -> date:
    try:
        year, mon = (int(p) for p in month.split("-"))
        return date(year, mon, 1)
    except ValueError:
        raise Invalid("月份格式为 YYYY-MM / month is YYYY-MM", code="invalid_month") from None


def monthly_report(ctx: Context, program_code: str, month: str, by: str = "guide") -> VipMonthly:
    """The monthly VIP report per guide, store or merchant, with each guide's commission."""
    if by not in GROUPS:
        raise Invalid(
            "by 为 guide、store 或 merchant / by is guide, store or merchant", code="invalid_group"
        )
    first = _month(month)
    now = ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        tallies = _tally(uow, stored, first, by, now)
    rules = stored.program.guides
    return {
        "program": program_code,
        "month": first.strftime("%Y-%m"),
        "by": by,
        "items": [_report_row(by, key, tallies[key], rules) for key in sorted(tallies)],
    }


def _tally(
    uow: UnitOfWork, stored: StoredProgram, first: date, by: str, now: datetime
) -> dict[str, _Tally]:
    """Each group's month: members joined, receipts, sales, points, tier moves and tasks."""
    pid = stored.program_id
    tz = zone(stored.program.timezone)
    start, end = month_bounds(first)
    since, until = start_of_day(start, tz), start_of_day(end, tz)
    column = GROUPS[by]
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for joined in uow.guides.members_joined(pid, since, until):
        tallies[getattr(joined, column) or NO_GROUP].new_members += 1
    sales = uow.guides.receipts_between(pid, since, until)
    buyers = _add_sales(tallies, sales, column, _made_to_measure(uow, stored, sales))
    for move in uow.guides.tier_moves(pid, since, until):
        key = buyers.get(move.member_id) or _member_group(uow, pid, move.member_id, column)
        tallies[key].tier_moves += 1
    if by == "guide":
        _add_tasks(tallies, uow.guides.tasks(pid, since=since, until=until), now)
    return tallies


def _made_to_measure(
    uow: UnitOfWork, stored: StoredProgram, sales: list[Sale]
) -> dict[str, Decimal]:
    """The made-to-measure part of each receipt (the lines with the program's flag)."""
    rules = stored.program.guides
    if rules is None or not rules.made_to_measure_flag:
        return {}
    receipt_nos = [s.receipt_no for s in sales]
    return uow.guides.flagged_line_paid(stored.program_id, receipt_nos, rules.made_to_measure_flag)


def _add_sales(
    tallies: dict[str, _Tally], sales: list[Sale], column: str, made_to_measure: dict[str, Decimal]
) -> dict[str, str]:
    """Adds each receipt to its group; answers each buyer's group (that of their last
    receipt), where their tier moves count."""
    buyers: dict[str, str] = {}
    for sale in sales:
        key = getattr(sale, column) or NO_GROUP
        tally = tallies[key]
        tally.receipts += 1
        tally.active_members.add(sale.member_id)
        tally.sales += sale.paid_net
        tally.made_to_measure_sales += made_to_measure.get(sale.receipt_no, ZERO)
        tally.points_issued += int(sale.points_earned)
        buyers[sale.member_id] = key
    return buyers


def _member_group(uow: UnitOfWork, program_id: int, member_id: str, column: str) -> str:
    """The group of a member who bought nothing in the month: their own guide, store or
    merchant."""
    member = uow.members.get(program_id, member_id)
    return (getattr(member, column) if member is not None else None) or NO_GROUP


def _add_tasks(tallies: dict[str, _Tally], tasks: list[ServiceTask], now: datetime) -> None:
    for task in tasks:
        tally = tallies[task.guide_id or NO_GROUP]
        if task.status == TaskStatus.DONE:
            tally.tasks_done += 1
        elif task.due_at < now:
            tally.tasks_overdue += 1


def _report_row(by: str, key: str, tally: _Tally, rules: GuideRules | None) -> VipMonthlyRow:
    """A group's line; by guide with the commission: on regular sales in full and on
    made-to-measure sales the guide's share, the rest the company's."""
    row = cast(VipMonthlyRow, {by: key})  # the group's column first, as the files show it
    row.update(
        {
            "new_members": tally.new_members,
            "active_members": len(tally.active_members),
            "receipts": tally.receipts,
            "sales": fmt(tally.sales),
            "made_to_measure_sales": fmt(tally.made_to_measure_sales),
            "points_issued": tally.points_issued,
            "tier_moves": tally.tier_moves,
        }
    )
    if by != "guide":
        return row
    rate = rules.commission_rate if rules else Decimal(0)
    share = rules.made_to_measure_guide_share if rules else Decimal(1)
    guide_part = money(tally.made_to_measure_sales * share)
    base = tally.sales - tally.made_to_measure_sales + guide_part
    row.update(
        {
            "commission_base": fmt(base),
            "commission": fmt(money(base * rate)),
            "company_share_made_to_measure": fmt(tally.made_to_measure_sales - guide_part),
            "tasks_done": tally.tasks_done,
            "tasks_overdue": tally.tasks_overdue,
        }
    )
    return row
