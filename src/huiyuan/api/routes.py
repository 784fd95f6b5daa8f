"""The HTTP API, version 1 (API.md). Thin: each route calls one service."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import Invalid, NotFound
from ..services import awards, checkout, returns
from ..services.inputs import (
    CheckInIn,
    PurchaseIn,
    Ref,
    ReturnIn,
    ReviewIn,
)
from .deps import Ctx, Till
from .language import localize_receipt


async def _program_code(request: Request) -> None:
    """A program code with NUL or control characters names no program (and would make
    PostgreSQL fail, a 500): 404 before any query. Installed app-wide in app.py."""
    code = request.path_params.get("program")
    if code is not None and not re.fullmatch(r"[^\x00-\x1f\x7f]{1,64}", code):
        raise NotFound("没有该会员方案 / no such program", code="program_not_found")


router = APIRouter(prefix="/api/v1")
P = "/programs/{program}"
# `Ref` itself, not Annotated[str, Ref]: nested Annotated metadata is silently ignored, so the
# path parameter went unchecked (a NUL in it was a 500 on PostgreSQL).
MemberId = Ref


def created(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=201)


# The till's hot path: `async def` with the service alone in the thread pool (one hand-off; a
# plain `def` route is run in the pool, then its answer validated against the return type in
# the pool again) and the answer, plain JSON already, sent as it is.


@router.post(P + "/purchases/quote", response_model=None)
async def quote(
    program: str, body: PurchaseIn, ctx: Ctx, _: Till, request: Request
) -> JSONResponse:
    answer = await run_in_threadpool(checkout.quote, ctx, program, body)
    return JSONResponse(localize_receipt(answer, request))


@router.post(P + "/purchases", status_code=201, response_model=None)
async def purchase(
    program: str, body: PurchaseIn, ctx: Ctx, _: Till, request: Request
) -> JSONResponse:
    answer = await run_in_threadpool(checkout.commit, ctx, program, body)
    return created(localize_receipt(answer, request))


@router.post(P + "/purchases/{receipt_no}/returns", status_code=201)
def return_lines(
    program: str, receipt_no: Ref, body: ReturnIn, ctx: Ctx, _: Till
) -> dict[str, Any]:
    if len(receipt_no) > 64:
        raise Invalid("小票号过长 / receipt_no too long", code="validation_error")
    return returns.return_lines(ctx, program, receipt_no, body)


@router.post(P + "/members/{member_id}/check-ins", status_code=201)
def check_in(
    program: str, member_id: MemberId, ctx: Ctx, _: Till, body: CheckInIn | None = None
) -> dict[str, Any]:
    return awards.check_in(ctx, program, member_id, body.occurred_at if body else None)


@router.post(P + "/purchases/{receipt_no}/reviews", status_code=201)
def review(program: str, receipt_no: Ref, body: ReviewIn, ctx: Ctx, _: Till) -> dict[str, Any]:
    return awards.review(ctx, program, receipt_no, body.line_no, body.occurred_at)
