"""Entitlements, the points lottery, shared-account users and priced services."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..services import perks
from ..services.inputs import (
    AccountUserIn,
    DeliveryQuoteIn,
    EntitlementUseIn,
    LotteryDrawIn,
    MomentIn,
    Ref,
)
from .deps import Ctx, Manager, Reader, Till

router = APIRouter(prefix="/api/v1/programs/{program}")
M = "/members/{member_id}"


# MomentIn, not AwareDatetime: a year-1 or year-9999 as_of overflowed date arithmetic (a 500).
@router.get(M + "/entitlements")
def entitlements(
    program: str, member_id: Ref, ctx: Ctx, _: Reader, as_of: MomentIn | None = None
) -> dict[str, Any]:
    return perks.list_entitlements(ctx, program, member_id, as_of)


@router.post(M + "/entitlements/{code}/uses", status_code=201)
def use_entitlement(
    program: str, member_id: Ref, code: Ref, body: EntitlementUseIn, ctx: Ctx, caller: Till
) -> dict[str, Any]:
    return perks.use_entitlement(ctx, program, member_id, code, body, caller.actor)


@router.post(M + "/lottery-draws", status_code=201)
def draw(program: str, member_id: Ref, body: LotteryDrawIn, ctx: Ctx, _: Till) -> dict[str, Any]:
    return perks.draw(ctx, program, member_id, body)


@router.get(M + "/lottery-draws")
def draws(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return perks.draws(ctx, program, member_id)


@router.post(M + "/account-users", status_code=201)
def add_account_user(
    program: str, member_id: Ref, body: AccountUserIn, ctx: Ctx, _: Manager
) -> dict[str, Any]:
    return perks.add_account_user(ctx, program, member_id, body)


@router.get(M + "/account-users")
def account_users(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return perks.account_users(ctx, program, member_id)


@router.post("/delivery-quotes")
def delivery_quote(program: str, body: DeliveryQuoteIn, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return perks.delivery_quote(ctx, program, body)
