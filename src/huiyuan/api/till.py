"""The till: quote and record a purchase, return lines of it, check in, review a product."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import Invalid
from ..services import awards, checkout, returns
from ..services.inputs import CheckInIn, PurchaseIn, Ref, ReturnIn, ReviewIn
from .deps import Ctx, Till
from .language import localize_receipt
from .schemas.common import problems
from .schemas.till import CheckInAnswer, PurchaseAnswer, ReturnAnswer, ReviewAnswer

router = APIRouter(prefix="/api/v1/programs/{program}", tags=["till"])

RECEIPT = problems(401, 403, 404, 409, 422)  # a receipt's number may be reused
SIMPLE = problems(401, 403, 404, 422)

# The till's hot path: `async def` with the service alone in the thread pool (one hand-off; a
# plain `def` route is run in the pool, then its answer validated against the return type in
# the pool again) and the answer, plain JSON already, sent as it is. The answer's schema is
# declared for the document only (tests validate real answers against it).


@router.post(
    "/purchases/quote",
    response_model=None,
    responses={200: {"model": PurchaseAnswer}, **RECEIPT},
)
async def quote(
    program: str, body: PurchaseIn, ctx: Ctx, _: Till, request: Request
) -> JSONResponse:
    answer = await run_in_threadpool(checkout.quote, ctx, program, body)
    return JSONResponse(localize_receipt(answer, request))


@router.post(
    "/purchases",
    status_code=201,
    response_model=None,
    responses={201: {"model": PurchaseAnswer}, **RECEIPT},
)
async def purchase(
    program: str, body: PurchaseIn, ctx: Ctx, _: Till, request: Request
) -> JSONResponse:
    answer = await run_in_threadpool(checkout.commit, ctx, program, body)
    return JSONResponse(localize_receipt(answer, request), status_code=201)


@router.post(
    "/purchases/{receipt_no}/returns",
    status_code=201,
    response_model=ReturnAnswer,
    responses=RECEIPT,
)
def return_lines(program: str, receipt_no: Ref, body: ReturnIn, ctx: Ctx, _: Till) -> ReturnAnswer:
    if len(receipt_no) > 64:
        raise Invalid("小票号过长 / receipt_no too long", code="validation_error")
    return returns.return_lines(ctx, program, receipt_no, body)


@router.post(
    "/members/{member_id}/check-ins",
    status_code=201,
    response_model=CheckInAnswer,
    responses=SIMPLE,
)
def check_in(
    program: str, member_id: Ref, ctx: Ctx, _: Till, body: CheckInIn | None = None
) -> CheckInAnswer:
    return awards.check_in(ctx, program, member_id, body.occurred_at if body else None)


@router.post(
    "/purchases/{receipt_no}/reviews",
    status_code=201,
    response_model=ReviewAnswer,
    responses=SIMPLE,
)
def review(program: str, receipt_no: Ref, body: ReviewIn, ctx: Ctx, _: Till) -> ReviewAnswer:
    return awards.review(ctx, program, receipt_no, body.line_no, body.occurred_at)
