"""Membership lifecycle endpoints: stored value (deposits, withdrawals, its ledger) and tier
applications (profile changes, renewal, cancellation and history are in members.py).

Who may do what: staff who enrol (cashier, guide, manager) file tier applications; the till
(cashier, manager) takes deposits and pays out withdrawals; a manager decides applications;
any role reads.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from ..services import stored_value, tier_applications
from ..services.inputs import (
    DecisionIn,
    DepositIn,
    Ref,
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
