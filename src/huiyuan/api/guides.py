"""Guides (导购): guides, their members and tasks, feedback, and the monthly VIP report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..services import guides
from ..services.inputs import FeedbackIn, GuideIn, Ref, TaskDoneIn
from .deps import Ctx, Enroller, Manager, Reader
from .schemas.common import problems
from .schemas.guides import (
    FeedbackTaken,
    GuideMembers,
    GuideView,
    OwnershipHistory,
    TaskList,
    TaskView,
    VipMonthly,
)

router = APIRouter(prefix="/api/v1/programs/{program}", tags=["guides"])

READ = problems(401, 404, 422)  # any role reads
WRITE = problems(400, 401, 403, 404, 422)


@router.post("/guides", status_code=201, response_model=GuideView, responses=WRITE)
def upsert_guide(program: str, body: GuideIn, ctx: Ctx, _: Manager) -> GuideView:
    """201 whether the guide is new or updated (API.md: the same id again updates it)."""
    view, _created = guides.upsert_guide(ctx, program, body)
    return view


@router.get("/guides/{guide_id}/members", response_model=GuideMembers, responses=READ)
def guide_members(program: str, guide_id: Ref, ctx: Ctx, _: Reader) -> GuideMembers:
    return guides.guide_members(ctx, program, guide_id)


@router.get("/guides/{guide_id}/tasks", response_model=TaskList, responses=READ)
def guide_tasks(
    program: str,
    guide_id: Ref,
    ctx: Ctx,
    _: Reader,
    status: Annotated[str | None, Query(pattern="^(open|done|overdue)$")] = None,
) -> TaskList:
    return guides.list_tasks(ctx, program, guide_id, status)


@router.post("/tasks/{task_id}/complete", response_model=TaskView, responses=WRITE)
def complete_task(program: str, task_id: int, body: TaskDoneIn, ctx: Ctx, _: Enroller) -> TaskView:
    return guides.complete_task(ctx, program, task_id, body)


@router.post(
    "/members/{member_id}/feedback",
    status_code=201,
    response_model=FeedbackTaken,
    responses=problems(400, 401, 403, 404, 409, 422),
)
def feedback(
    program: str, member_id: Ref, body: FeedbackIn, ctx: Ctx, _: Enroller
) -> FeedbackTaken:
    return guides.add_feedback(ctx, program, member_id, body)


@router.get("/members/{member_id}/ownership", response_model=OwnershipHistory, responses=READ)
def ownership(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> OwnershipHistory:
    return guides.ownership_history(ctx, program, member_id)


@router.get("/reports/vip-monthly", response_model=VipMonthly, responses=READ)
def vip_monthly(
    program: str,
    ctx: Ctx,
    _: Reader,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$")],
    by: Annotated[str, Query(pattern="^(guide|store|merchant)$")] = "guide",
) -> VipMonthly:
    return guides.monthly_report(ctx, program, month, by)
