"""What members pay in: stored value (deposits, withdrawals, its ledger) and applications for
a higher tier.

Who may do what: the till (cashier, manager) takes deposits and pays out withdrawals; staff who
enrol (cashier, guide, manager) file tier applications; a manager decides them; any role reads.
"""

from __future__ import annotations

from fastapi import APIRouter

from ..domain.statuses import ApplicationStatus
from ..services import stored_value, tier_applications
from ..services.inputs import DecisionIn, DepositIn, Ref, TierApplicationIn, WithdrawalIn
from .deps import Ctx, Enroller, Manager, Reader, Till
from .schemas.common import problems
from .schemas.rewards import (
    Deposited,
    StoredValueStatement,
    TierApplications,
    TierApplicationView,
    Withdrawn,
)

router = APIRouter(prefix="/api/v1/programs/{program}", tags=["stored value and tiers"])
M = "/members/{member_id}"

READ = problems(401, 404, 422)
CHANGE = problems(400, 401, 403, 404, 409, 422)


@router.post(M + "/deposits", status_code=201, response_model=Deposited, responses=CHANGE)
def deposit(program: str, member_id: Ref, body: DepositIn, ctx: Ctx, caller: Till) -> Deposited:
    return stored_value.deposit(ctx, program, member_id, body, caller.actor)


@router.post(M + "/withdrawals", status_code=201, response_model=Withdrawn, responses=CHANGE)
def withdraw(program: str, member_id: Ref, body: WithdrawalIn, ctx: Ctx, _: Till) -> Withdrawn:
    return stored_value.withdraw(ctx, program, member_id, body)


@router.get(M + "/stored-value", response_model=StoredValueStatement, responses=READ)
def stored_value_entries(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> StoredValueStatement:
    return stored_value.entries(ctx, program, member_id)


@router.post(
    M + "/tier-applications",
    status_code=201,
    response_model=TierApplicationView,
    responses=CHANGE,
)
def apply(
    program: str, member_id: Ref, body: TierApplicationIn, ctx: Ctx, caller: Enroller
) -> TierApplicationView:
    return tier_applications.apply(ctx, program, member_id, body, caller)


@router.get(M + "/tier-applications", response_model=TierApplications, responses=READ)
def member_applications(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> TierApplications:
    return tier_applications.listing(ctx, program, member_id, None)


@router.get("/tier-applications", response_model=TierApplications, responses=READ)
def applications(
    program: str, ctx: Ctx, _: Reader, status: ApplicationStatus | None = None
) -> TierApplications:
    return tier_applications.listing(ctx, program, None, status)


@router.get(
    "/tier-applications/{application_no}", response_model=TierApplicationView, responses=READ
)
def application(program: str, application_no: Ref, ctx: Ctx, _: Reader) -> TierApplicationView:
    return tier_applications.get(ctx, program, application_no)


@router.post(
    "/tier-applications/{application_no}/approve",
    response_model=TierApplicationView,
    responses=CHANGE,
)
def approve(
    program: str, application_no: Ref, ctx: Ctx, caller: Manager, body: DecisionIn | None = None
) -> TierApplicationView:
    return tier_applications.decide(
        ctx, program, application_no, True, body or DecisionIn(), caller
    )


@router.post(
    "/tier-applications/{application_no}/refuse",
    response_model=TierApplicationView,
    responses=CHANGE,
)
def refuse(
    program: str, application_no: Ref, ctx: Ctx, caller: Manager, body: DecisionIn | None = None
) -> TierApplicationView:
    return tier_applications.decide(
        ctx, program, application_no, False, body or DecisionIn(), caller
    )
