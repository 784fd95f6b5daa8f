"""The HTTP API, version 1 (API.md). Thin: each route calls one service."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import NotFound
from ..services import accounts, members, programs, redemptions
from ..services.inputs import (
    ActivateIn,
    MemberIn,
    MomentIn,
    RedemptionIn,
    Ref,
    TransferIn,
)
from .deps import Ctx, Enroller, Manager, Reader, Till


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


@router.get("/programs")
def list_programs(ctx: Ctx, _: Reader) -> dict[str, Any]:
    return {"items": programs.list_programs(ctx)}


@router.get(P)
def get_program(program: str, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return programs.describe(ctx, program)


@router.post(P + "/members", status_code=201)
def enroll(program: str, body: MemberIn, ctx: Ctx, caller: Enroller) -> dict[str, Any]:
    return members.enroll(ctx, program, body, caller.actor)


@router.get(P + "/members")
def search_members(
    program: str,
    ctx: Ctx,
    _: Reader,
    phone: Annotated[str | None, Query(max_length=20)] = None,
    card_no: Annotated[str | None, Query(max_length=32, pattern=r"^[\w\-]+$")] = None,
) -> dict[str, Any]:
    return {"items": members.find_members(ctx, program, phone=phone, card_no=card_no)}


@router.get(P + "/members/{member_id}")
def get_member(program: str, member_id: MemberId, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return members.get_member(ctx, program, member_id)


@router.post(P + "/members/{member_id}/activate")
def activate(
    program: str, member_id: MemberId, ctx: Ctx, caller: Manager, body: ActivateIn | None = None
) -> dict[str, Any]:
    at = body.occurred_at if body else None
    return members.activate(ctx, program, member_id, at, caller.actor)


# Asked at the till before every payment with points: the service alone goes to the thread
# pool (a plain `def` route is run there, then its answer validated there again: two
# hand-offs) and its answer, plain JSON already, is sent as it is.
@router.get(P + "/members/{member_id}/balance", response_model=None)
async def balance(
    program: str,
    member_id: MemberId,
    ctx: Ctx,
    _: Reader,
    as_of: MomentIn | None = None,
) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(accounts.balance, ctx, program, member_id, as_of))


@router.get(P + "/members/{member_id}/ledger")
def ledger(
    program: str,
    member_id: MemberId,
    ctx: Ctx,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    return accounts.entries(ctx, program, member_id, limit, before)


@router.get(P + "/rewards")
def rewards(program: str, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return redemptions.catalogue(ctx, program)


@router.post(P + "/redemptions", status_code=201)
def redeem(program: str, body: RedemptionIn, ctx: Ctx, caller: Till) -> dict[str, Any]:
    return redemptions.redeem(ctx, program, body, caller.actor)


@router.post(P + "/transfers", status_code=201)
def transfer(program: str, body: TransferIn, ctx: Ctx, _: Till) -> dict[str, Any]:
    return redemptions.transfer(ctx, program, body)


@router.get(P + "/members/{member_id}/vouchers")
def member_vouchers(program: str, member_id: MemberId, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return accounts.vouchers(ctx, program, member_id)
