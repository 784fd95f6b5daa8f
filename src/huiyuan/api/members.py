"""Programs and members: enrolment, look-up, activation, profile and attribute changes,
renewal, cancellation, history, personal data in clear and the printable member code.

Who may do what: staff who enrol (cashier, guide, manager) enrol members and change profiles
(attributes, which move tiers, need a manager); the till (cashier, manager) renews; a manager
activates, cancels and sees personal data in clear; any role reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ..services import lifecycle, members, profile, programs
from ..services.inputs import ActivateIn, CancelIn, MemberIn, MemberPatchIn, Ref, RenewIn
from ..services.member_code import member_code_svg
from .deps import Ctx, Enroller, Manager, Reader, Till
from .schemas.common import problems
from .schemas.members import (
    Enrolled,
    History,
    MemberList,
    MemberView,
    PersonalData,
    ProgramDescription,
    ProgramList,
)

# Program codes are checked app-wide (app.py).
router = APIRouter(prefix="/api/v1/programs/{program}", tags=["members"])
programs_router = APIRouter(prefix="/api/v1", tags=["members"])
M = "/members/{member_id}"
SVG = "image/svg+xml"


@programs_router.get("/programs", response_model=ProgramList, responses=problems(401))
def list_programs(ctx: Ctx, _: Reader) -> ProgramList:
    return {"items": programs.list_programs(ctx)}


@router.get("", response_model=ProgramDescription, responses=problems(401, 404, 422))
def get_program(program: str, ctx: Ctx, _: Reader) -> ProgramDescription:
    return programs.describe(ctx, program)


@router.post(
    "/members",
    status_code=201,
    response_model=Enrolled,
    responses=problems(401, 403, 404, 409, 422),
)
def enroll(program: str, body: MemberIn, ctx: Ctx, caller: Enroller) -> Enrolled:
    return members.enroll(ctx, program, body, caller.actor)


@router.get("/members", response_model=MemberList, responses=problems(401, 404, 422))
def search_members(
    program: str,
    ctx: Ctx,
    _: Reader,
    phone: Annotated[str | None, Query(max_length=20)] = None,
    card_no: Annotated[str | None, Query(max_length=32, pattern=r"^[\w\-]+$")] = None,
) -> MemberList:
    return {"items": members.find_members(ctx, program, phone=phone, card_no=card_no)}


# `Ref` itself, not Annotated[str, Ref]: nested Annotated metadata is silently ignored, so the
# path parameter would go unchecked (a NUL in it is a 500 on PostgreSQL).
@router.get(M, response_model=MemberView, responses=problems(401, 404, 422))
def get_member(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> MemberView:
    return members.get_member(ctx, program, member_id)


@router.post(M + "/activate", response_model=MemberView, responses=problems(401, 403, 404, 422))
def activate(
    program: str, member_id: Ref, ctx: Ctx, caller: Manager, body: ActivateIn | None = None
) -> MemberView:
    at = body.occurred_at if body else None
    return members.activate(ctx, program, member_id, at, caller.actor)


@router.patch(M, response_model=MemberView, responses=problems(401, 403, 404, 409, 422))
def change_member(
    program: str, member_id: Ref, body: MemberPatchIn, ctx: Ctx, caller: Enroller
) -> MemberView:
    return lifecycle.patch(ctx, program, member_id, body, caller)


@router.post(M + "/renew", response_model=MemberView, responses=problems(401, 403, 404, 422))
def renew(
    program: str, member_id: Ref, ctx: Ctx, caller: Till, body: RenewIn | None = None
) -> MemberView:
    return lifecycle.renew(ctx, program, member_id, body or RenewIn(), caller)


@router.post(M + "/cancel", response_model=MemberView, responses=problems(401, 403, 404, 422))
def cancel(program: str, member_id: Ref, body: CancelIn, ctx: Ctx, caller: Manager) -> MemberView:
    return lifecycle.cancel(ctx, program, member_id, body, caller)


@router.get(M + "/history", response_model=History, responses=problems(401, 404, 422))
def history(
    program: str,
    member_id: Ref,
    ctx: Ctx,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> History:
    return lifecycle.history(ctx, program, member_id, limit, before)


@router.get(
    M + "/personal-data",
    response_model=PersonalData,
    responses=problems(401, 403, 404, 422),
)
def personal_data(program: str, member_id: Ref, ctx: Ctx, caller: Manager) -> PersonalData:
    return profile.personal_data(ctx, program, member_id, caller)


@router.get(
    M + "/member-code.svg",
    response_class=Response,
    responses={
        200: {
            "description": "The QR code of the member's active card number",
            "content": {SVG: {"schema": {"type": "string"}}},
        },
        **problems(401, 404, 422),
    },
)
def member_code(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> Response:
    """会员码 / the member's card number as a printable QR code (SVG)."""
    return Response(member_code_svg(ctx, program, member_id), media_type=SVG)
