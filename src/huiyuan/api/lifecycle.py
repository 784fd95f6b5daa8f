"""Membership lifecycle endpoints: profile and attribute changes, renewal, cancellation and
the member's history.

Who may do what: staff who enrol (cashier, guide, manager) change profiles; attributes (they
move tiers) need a manager; the till (cashier, manager) renews; a manager cancels memberships;
any role reads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ..services import lifecycle
from ..services.inputs import (
    CancelIn,
    MemberPatchIn,
    Ref,
    RenewIn,
)
from .deps import Ctx, Enroller, Manager, Reader, Till
from .routes import _program_code

router = APIRouter(prefix="/api/v1", dependencies=[Depends(_program_code)])
P = "/programs/{program}"
M = P + "/members/{member_id}"


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
