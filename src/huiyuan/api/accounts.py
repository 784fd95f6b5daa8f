"""A member's account: balance, ledger, vouchers, and a manager's manual point adjustments
(API.md "Members")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..services import accounts, adjustments
from ..services.inputs import AdjustmentIn, MomentIn, Ref
from .deps import Ctx, Manager, Reader
from .schemas.accounts import Adjusted, Balance, LedgerPage, MemberVouchers
from .schemas.common import problems

router = APIRouter(prefix="/api/v1/programs/{program}", tags=["accounts"])


# Asked at the till before every payment with points: the service alone goes to the thread
# pool (a plain `def` route is run there, then its answer validated there again: two
# hand-offs) and its answer, plain JSON already, is sent as it is.
@router.get(
    "/members/{member_id}/balance",
    response_model=None,
    responses={200: {"model": Balance}, **problems(401, 404, 422)},
)
async def balance(
    program: str,
    member_id: Ref,
    ctx: Ctx,
    _: Reader,
    as_of: MomentIn | None = None,
) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(accounts.balance, ctx, program, member_id, as_of))


@router.get(
    "/members/{member_id}/ledger",
    response_model=LedgerPage,
    responses=problems(401, 404, 422),
)
def ledger(
    program: str,
    member_id: Ref,
    ctx: Ctx,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> LedgerPage:
    return accounts.entries(ctx, program, member_id, limit, before)


@router.get(
    "/members/{member_id}/vouchers",
    response_model=MemberVouchers,
    responses=problems(401, 404, 422),
)
def member_vouchers(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> MemberVouchers:
    return accounts.vouchers(ctx, program, member_id)


@router.post(
    "/members/{member_id}/adjustments",
    status_code=201,
    response_model=Adjusted,
    responses=problems(401, 403, 404, 409, 422),
)
def adjust(program: str, member_id: Ref, body: AdjustmentIn, ctx: Ctx, caller: Manager) -> Adjusted:
    return adjustments.adjust(ctx, program, member_id, body, caller)
