"""Cards (loss, reissue, exchange, cancellation, passwords), manual point adjustments and the
audit log (API.md "Cards and stored value"; the rest is ours).

Who may do what: the till (cashier, manager) handles cards; a manager cancels cards and adjusts
points; the auditor (and admin) reads the audit log. Every one of these actions is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from ..services import adjustments, audit, cards
from ..services.inputs import (
    AdjustmentIn,
    CardCancelIn,
    CardPasswordIn,
    MomentIn,
    Ref,
    ReissueIn,
    ReportLostIn,
)
from ..services.tokens import Caller
from .deps import Ctx, Manager, Reader, Till, allow

router = APIRouter(prefix="/api/v1")  # program codes are checked app-wide (app.py)
P = "/programs/{program}"
CardNo = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^\w+$")]
Auditor = Annotated[Caller, Depends(allow("auditor"))]


def created(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=201)


@router.get(P + "/cards/{card_no}")
def card(program: str, card_no: CardNo, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return cards.card_info(ctx, program, card_no)


@router.post(P + "/cards/{card_no}/report-lost")
def report_lost(
    program: str, card_no: CardNo, body: ReportLostIn, ctx: Ctx, caller: Till
) -> dict[str, Any]:
    return cards.report_lost(ctx, program, card_no, body, caller)


@router.post(P + "/cards/{card_no}/reissue", status_code=201)
def reissue(
    program: str, card_no: CardNo, ctx: Ctx, caller: Till, body: ReissueIn | None = None
) -> JSONResponse:
    return created(cards.reissue(ctx, program, card_no, body or ReissueIn(), caller))


@router.post(P + "/cards/{card_no}/exchange", status_code=201)
def exchange(
    program: str, card_no: CardNo, ctx: Ctx, caller: Till, body: ReissueIn | None = None
) -> JSONResponse:
    return created(cards.exchange(ctx, program, card_no, body or ReissueIn(), caller))


@router.post(P + "/cards/{card_no}/cancel")
def cancel(
    program: str, card_no: CardNo, body: CardCancelIn, ctx: Ctx, caller: Manager
) -> dict[str, Any]:
    return cards.cancel(ctx, program, card_no, body, caller)


@router.post(P + "/cards/{card_no}/password")
def set_password(
    program: str, card_no: CardNo, body: CardPasswordIn, ctx: Ctx, caller: Till
) -> dict[str, Any]:
    return cards.set_password(ctx, program, card_no, body, caller)


@router.post(P + "/members/{member_id}/adjustments", status_code=201)
def adjust(
    program: str, member_id: Ref, body: AdjustmentIn, ctx: Ctx, caller: Manager
) -> JSONResponse:
    return created(adjustments.adjust(ctx, program, member_id, body, caller))


def _audit_query(
    ctx: Ctx,
    program: str | None,
    action: str | None,
    member_id: str | None,
    card_no: str | None,
    role: str | None,
    outcome: str | None,
    since: datetime | None,
    until: datetime | None,
    before: int | None,
    limit: int,
) -> dict[str, Any]:
    return audit.find(
        ctx,
        program,
        action=action,
        member_id=member_id,
        card_no=card_no,
        role=role,
        outcome=outcome,
        since=since,
        until=until,
        before=before,
        limit=limit,
    )


ActionQ = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_.]+$")]
IdQ = Annotated[str | None, Query(max_length=64, pattern=r"^[\w\-./:#]+$")]
RoleQ = Annotated[str | None, Query(pattern=r"^(admin|manager|cashier|guide|auditor)$")]
OutcomeQ = Annotated[str | None, Query(pattern=r"^(done|refused)$")]
LimitQ = Annotated[int, Query(ge=1, le=500)]
BeforeQ = Annotated[int | None, Query(ge=1, lt=2**62)]


@router.get("/audit")
def audit_log(
    ctx: Ctx,
    _: Auditor,
    program: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z][a-z0-9_]*$")] = None,
    action: ActionQ = None,
    member_id: IdQ = None,
    card_no: IdQ = None,
    role: RoleQ = None,
    outcome: OutcomeQ = None,
    since: MomentIn | None = None,
    until: MomentIn | None = None,
    before: BeforeQ = None,
    limit: LimitQ = 100,
) -> dict[str, Any]:
    """The audit log, newest first; `action` ending in "." matches every action under it."""
    return _audit_query(
        ctx, program, action, member_id, card_no, role, outcome, since, until, before, limit
    )


@router.get(P + "/audit")
def program_audit_log(
    program: str,
    ctx: Ctx,
    _: Auditor,
    action: ActionQ = None,
    member_id: IdQ = None,
    card_no: IdQ = None,
    role: RoleQ = None,
    outcome: OutcomeQ = None,
    since: MomentIn | None = None,
    until: MomentIn | None = None,
    before: BeforeQ = None,
    limit: LimitQ = 100,
) -> dict[str, Any]:
    return _audit_query(
        ctx, program, action, member_id, card_no, role, outcome, since, until, before, limit
    )
