"""Spending points and claiming perks: the rewards catalogue, redemptions, transfers between
members, entitlements, the points lottery, a shared account's users and delivery quotes.

Who may do what: the till (cashier, manager) redeems, transfers, claims entitlements and
draws; a manager adds a shared account's users; any role reads and asks for a quote."""

from __future__ import annotations

from fastapi import APIRouter

from ..services import perks, redemptions, shared_accounts
from ..services.inputs import (
    AccountUserIn,
    DeliveryQuoteIn,
    EntitlementUseIn,
    LotteryDrawIn,
    MomentIn,
    RedemptionIn,
    Ref,
    TransferIn,
)
from .deps import Ctx, Manager, Reader, Till
from .schemas.common import problems
from .schemas.rewards import (
    AccountUserAdded,
    AccountUsers,
    Catalogue,
    DeliveryQuote,
    Drawn,
    Draws,
    Entitlements,
    EntitlementUsed,
    Redeemed,
    Transferred,
)

router = APIRouter(prefix="/api/v1/programs/{program}", tags=["rewards"])
M = "/members/{member_id}"

# What each kind of route can answer besides its own answer.
READ = problems(401, 404, 422)
NUMBERED = problems(400, 401, 403, 404, 409, 422)  # a numbered change at the till


@router.get("/rewards", response_model=Catalogue, responses=problems(401, 404))
def rewards(program: str, ctx: Ctx, _: Reader) -> Catalogue:
    return redemptions.catalogue(ctx, program)


@router.post("/redemptions", status_code=201, response_model=Redeemed, responses=NUMBERED)
def redeem(program: str, body: RedemptionIn, ctx: Ctx, caller: Till) -> Redeemed:
    return redemptions.redeem(ctx, program, body, caller.actor)


@router.post("/transfers", status_code=201, response_model=Transferred, responses=NUMBERED)
def transfer(program: str, body: TransferIn, ctx: Ctx, _: Till) -> Transferred:
    return redemptions.transfer(ctx, program, body)


# MomentIn, not AwareDatetime: it refuses years outside 1900-8999 (typing mistakes, on which
# date arithmetic would overflow) as bad input.
@router.get(M + "/entitlements", response_model=Entitlements, responses=READ)
def entitlements(
    program: str, member_id: Ref, ctx: Ctx, _: Reader, as_of: MomentIn | None = None
) -> Entitlements:
    return perks.list_entitlements(ctx, program, member_id, as_of)


@router.post(
    M + "/entitlements/{code}/uses",
    status_code=201,
    response_model=EntitlementUsed,
    responses=NUMBERED,
)
def use_entitlement(
    program: str, member_id: Ref, code: Ref, body: EntitlementUseIn, ctx: Ctx, caller: Till
) -> EntitlementUsed:
    return perks.use_entitlement(ctx, program, member_id, code, body, caller.actor)


@router.post(M + "/lottery-draws", status_code=201, response_model=Drawn, responses=NUMBERED)
def draw(program: str, member_id: Ref, body: LotteryDrawIn, ctx: Ctx, _: Till) -> Drawn:
    return perks.draw(ctx, program, member_id, body)


@router.get(M + "/lottery-draws", response_model=Draws, responses=READ)
def draws(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> Draws:
    return perks.draws(ctx, program, member_id)


@router.post(
    M + "/account-users",
    status_code=201,
    response_model=AccountUserAdded,
    responses=problems(400, 401, 403, 404, 422),
)
def add_account_user(
    program: str, member_id: Ref, body: AccountUserIn, ctx: Ctx, _: Manager
) -> AccountUserAdded:
    return shared_accounts.add_account_user(ctx, program, member_id, body)


@router.get(M + "/account-users", response_model=AccountUsers, responses=READ)
def account_users(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> AccountUsers:
    return shared_accounts.account_users(ctx, program, member_id)


@router.post(
    "/delivery-quotes", response_model=DeliveryQuote, responses=problems(400, 401, 404, 422)
)
def delivery_quote(program: str, body: DeliveryQuoteIn, ctx: Ctx, _: Reader) -> DeliveryQuote:
    return perks.delivery_quote(ctx, program, body)
