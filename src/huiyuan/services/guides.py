"""Guides (导购): who looks after which member, their service tasks, commission and reports."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.calendar import month_bounds, start_of_day, zone
from ..domain.money import ZERO, fmt, money
from ..errors import Invalid, NotFound
from .context import Context, require_member, require_program
from .idempotency import replay
from .inputs import FeedbackIn, GuideIn, TaskDoneIn, moment
from .members import member_view


def upsert_guide(ctx: Context, program_code: str, data: GuideIn) -> tuple[dict[str, Any], bool]:
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
    return guide_view(data.guide_id, data.name, data.store, data.merchant, data.active), created


def guide_view(
    guide_id: str, name: str, store: str | None, merchant: str | None, active: bool
) -> dict[str, Any]:
    return {
        "guide_id": guide_id,
        "name": name,
        "store": store,
        "merchant": merchant,
        "active": active,
    }


def guide_members(ctx: Context, program_code: str, guide_id: str) -> dict[str, Any]:
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


def ownership_history(ctx: Context, program_code: str, member_id: str) -> dict[str, Any]:
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


def _task_view(t: Any, tz: Any, now: datetime) -> dict[str, Any]:
    return {
        "task_id": int(t.task_id),
        "member_id": t.member_id,
        "guide_id": t.guide_id,
        "kind": t.kind,
        "detail": t.detail,
        "due_at": t.due_at.astimezone(tz).isoformat(),
        "status": t.status,
        "overdue": t.status == "open" and t.due_at < now,
        "note": t.note,
        "completed_at": t.completed_at.astimezone(tz).isoformat() if t.completed_at else None,
    }


def add_feedback(
    ctx: Context, program_code: str, member_id: str, data: FeedbackIn
) -> dict[str, Any]:
    """Feedback or a complaint becomes a task for the owning guide, due within the program's
    hours (24 h); overdue ones are flagged in task lists and reports."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = ctx.fingerprint(data)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        first = replay(uow, pid, "feedback", data.feedback_no, fingerprint)
        if first is not None:
            return first
        row = require_member(uow, pid, member_id)
        hours = stored.program.guides.feedback_hours if stored.program.guides else 24
        uow.guides.add_task(
            {
                "program_id": pid,
                "member_id": member_id,
                "guide_id": row.guide_id,
                "kind": "complaint" if data.complaint else "feedback",
                "source": f"feedback:{data.feedback_no}",
                "detail": {"text": data.text},
                "due_at": at + timedelta(hours=hours),
                "status": "open",
                "created_at": now,
            }
        )
        tz = zone(stored.program.timezone)
        answer = {
            "feedback_no": data.feedback_no,
            "guide_id": row.guide_id,
            "due_at": (at + timedelta(hours=hours)).astimezone(tz).isoformat(),
        }
        uow.requests.put(pid, "feedback", data.feedback_no, fingerprint, 201, answer, now)
        uow.commit()
        return answer


def list_tasks(
    ctx: Context, program_code: str, guide_id: str, status: str | None
) -> dict[str, Any]:
    now = ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        tz = zone(stored.program.timezone)
        items = [_task_view(t, tz, now) for t in uow.guides.tasks(stored.program_id, guide_id)]
    if status == "overdue":
        items = [t for t in items if t["overdue"]]
    elif status in ("open", "done"):
        items = [t for t in items if t["status"] == status]
    return {"items": items}


def complete_task(
    ctx: Context, program_code: str, task_id: int, data: TaskDoneIn
) -> dict[str, Any]:
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        task = uow.guides.task(stored.program_id, task_id)
        if task is None:
            raise NotFound("没有该任务 / no such task", code="task_not_found")
        if task.status == "done":
            raise Invalid("任务已完成 / the task is already done", code="task_done")
        uow.guides.complete_task(task_id, data.note, moment(data.occurred_at, now))
        uow.commit()
    with ctx.uow(write=False) as uow:
        done = uow.guides.task(stored.program_id, task_id)
        assert done is not None
        return _task_view(done, zone(stored.program.timezone), now)


# ----------------------------------------------------------------------------- reports


def _month(month: str) -> date:
    try:
        year, mon = (int(p) for p in month.split("-"))
        return date(year, mon, 1)
    except ValueError:
        raise Invalid("月份格式为 YYYY-MM / month is YYYY-MM", code="invalid_month") from None


def monthly_report(
    ctx: Context, program_code: str, month: str, by: str = "guide"
) -> dict[str, Any]:
    """The monthly VIP report per guide, store or merchant, with each guide's commission."""
    if by not in ("guide", "store", "merchant"):
        raise Invalid(
            "by 为 guide、store 或 merchant / by is guide, store or merchant", code="invalid_group"
        )
    first = _month(month)
    now = ctx.now()
    column = {"guide": "guide_id", "store": "store", "merchant": "merchant"}[by]
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        program = stored.program
        tz = zone(program.timezone)
        start_d, end_d = month_bounds(first)
        since, until = start_of_day(start_d, tz), start_of_day(end_d, tz)
        pid = stored.program_id
        rows: dict[str, dict[str, Any]] = defaultdict(
            lambda: {
                "new_members": 0,
                "active_members": set(),
                "receipts": 0,
                "sales": ZERO,
                "made_to_measure_sales": ZERO,
                "points_issued": 0,
                "tier_moves": 0,
                "tasks_done": 0,
                "tasks_overdue": 0,
            }
        )
        member_key: dict[str, str] = {}
        for m in uow.guides.members_joined(pid, since, until):
            key = getattr(m, column) or "-"
            rows[key]["new_members"] += 1
        receipts = uow.guides.receipts_between(pid, since, until)
        rules = program.guides
        mtm = {}
        if rules is not None and rules.made_to_measure_flag:
            mtm = uow.guides.flagged_line_paid(
                pid, [r.receipt_no for r in receipts], rules.made_to_measure_flag
            )
        for r in receipts:
            key = getattr(r, column) or "-"
            row = rows[key]
            row["receipts"] += 1
            row["active_members"].add(r.member_id)
            row["sales"] += r.paid_net
            row["made_to_measure_sales"] += mtm.get(r.receipt_no, ZERO)
            row["points_issued"] += int(r.points_earned)
            member_key[r.member_id] = key
        for move in uow.guides.tier_moves(pid, since, until):
            key = member_key.get(move.member_id)
            if key is None:
                owner = uow.members.get(pid, move.member_id)
                key = (getattr(owner, column) if owner is not None else None) or "-"
            rows[key]["tier_moves"] += 1
        if by == "guide":
            for t in uow.guides.tasks(pid, since=since, until=until):
                key = t.guide_id or "-"
                if t.status == "done":
                    rows[key]["tasks_done"] += 1
                elif t.due_at < now:
                    rows[key]["tasks_overdue"] += 1
    rate = rules.commission_rate if rules else Decimal(0)
    share = rules.made_to_measure_guide_share if rules else Decimal(1)
    out = []
    for key in sorted(rows):
        row = rows[key]
        regular = row["sales"] - row["made_to_measure_sales"]
        guide_base = regular + money(row["made_to_measure_sales"] * share)
        item = {
            by: key,
            "new_members": row["new_members"],
            "active_members": len(row["active_members"]),
            "receipts": row["receipts"],
            "sales": fmt(row["sales"]),
            "made_to_measure_sales": fmt(row["made_to_measure_sales"]),
            "points_issued": row["points_issued"],
            "tier_moves": row["tier_moves"],
        }
        if by == "guide":
            item["commission_base"] = fmt(guide_base)
            item["commission"] = fmt(money(guide_base * rate))
            item["company_share_made_to_measure"] = fmt(
                row["made_to_measure_sales"] - money(row["made_to_measure_sales"] * share)
            )
            item["tasks_done"] = row["tasks_done"]
            item["tasks_overdue"] = row["tasks_overdue"]
        out.append(item)
    return {"program": program_code, "month": first.strftime("%Y-%m"), "by": by, "items": out}
