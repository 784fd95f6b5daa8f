"""Membership lifecycle endpoints: profile and attribute changes, renewal, cancellation, the
member's history, stored value (deposits, withdrawals, its ledger) and tier applications.

Who may do what: staff who enrol (cashier, guide, manager) change profiles and file tier
applications; attributes (they move tiers) need a manager; the till (cashier, manager) renews,
takes deposits and pays out withdrawals; a manager cancels memberships and decides
applications; any role reads.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from ..services import lifecycle, stored_value, tier_applications
from ..services.inputs import (
    CancelIn,
    DecisionIn,
    DepositIn,
    MemberPatchIn,
    Ref,
    RenewIn,
    TierApplicationIn,
    WithdrawalIn,
)
from .deps import Ctx, Enroller, Manager, Reader, Till
from .routes import _program_code

router = APIRouter(prefix="/api/v1", dependencies=[Depends(_program_code)])
P = "/programs/{program}"
M = P + "/members/{member_id}"


def created(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=201)


@router.patch(M)
def change_member(
    program: str, member_id: Ref, body: MemberPatchIn, ctx: Ctx, caller: Enroller
) -> dict[str, Any]:
    return lifecycle.patch(ctx, program, member_id, body, caller)


@router.post(M + "/renew")
def renew(
    program: str, member_id: Ref, ctx: Ctx, caller: Till, body: RenewIn | None = None
) -> dict[str, Any]:
    return lifecycle.renew(ctx, program, member_id, body or RenewIn(), caller)


@router.post(M + "/cancel")
def cancel(
    program: str, member_id: Ref, body: CancelIn, ctx: Ctx, caller: Manager
) -> dict[str, Any]:
    return lifecycle.cancel(ctx, program, member_id, body, caller)


@router.get(M + "/history")
def history(
    program: str,
    member_id: Ref,
    ctx: Ctx,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    return lifecycle.history(ctx, program, member_id, limit, before)


@router.post(M + "/deposits", status_code=201)
def deposit(program: str, member_id: Ref, body: DepositIn, ctx: Ctx, caller: Till) -> JSONResponse:
    return created(stored_value.deposit(ctx, program, member_id, body, caller.actor))


@router.post(M + "/withdrawals", status_code=201)
def withdraw(program: str, member_id: Ref, body: WithdrawalIn, ctx: Ctx, _: Till) -> JSONResponse:
    return created(stored_value.withdraw(ctx, program, member_id, body))


@router.get(M + "/stored-value")
def stored_value_entries(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return stored_value.entries(ctx, program, member_id)


@router.post(M + "/tier-applications", status_code=201)
def apply(
    program: str, member_id: Ref, body: TierApplicationIn, ctx: Ctx, caller: Enroller
) -> JSONResponse:
    return created(tier_applications.apply(ctx, program, member_id, body, caller))


@router.get(M + "/tier-applications")
def member_applications(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return tier_applications.listing(ctx, program, member_id, None)


@router.get(P + "/tier-applications")
def applications(
    program: str,
    ctx: Ctx,
    _: Reader,
    status: Literal["pending", "approved", "refused"] | None = None,
) -> dict[str, Any]:
    return tier_applications.listing(ctx, program, None, status)


@router.get(P + "/tier-applications/{application_no}")
def application(program: str, application_no: Ref, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return tier_applications.get(ctx, program, application_no)


@router.post(P + "/tier-applications/{application_no}/approve")
def approve(
    program: str, application_no: Ref, ctx: Ctx, caller: Manager, body: DecisionIn | None = None
) -> dict[str, Any]:
    return tier_applications.decide(
        ctx, program, application_no, True, body or DecisionIn(), caller
    )


@router.post(P + "/tier-applications/{application_no}/refuse")
def refuse(
    program: str, application_no: Ref, ctx: Ctx, caller: Manager, body: DecisionIn | None = None
) -> dict[str, Any]:
    return tier_applications.decide(
        ctx, program, application_no, False, body or DecisionIn(), caller
    )
