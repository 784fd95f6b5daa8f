"""Cards (loss, reissue, exchange, cancellation, passwords) and the audit log (API.md "Cards
and stored value"; the audit log is ours).

Who may do what: the till (cashier, manager) handles cards; a manager cancels cards; the auditor
(and admin) reads the audit log. Every card action is audited.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Path, Query

from ..domain.records.cards import AuditQuery, Outcome
from ..services import audit, card_replacement, cards
from ..services.inputs import (
    CardCancelIn,
    CardPasswordIn,
    MomentIn,
    ReissueIn,
    ReportLostIn,
)
from ..services.tokens import ROLES, Caller
from .deps import Ctx, Manager, Reader, Till, allow
from .schemas.cards import AuditPage, CardCancelled, CardView, LossReported, NewCard, PasswordSet
from .schemas.common import problems

# Program codes are checked app-wide (app.py).
router = APIRouter(prefix="/api/v1/programs/{program}", tags=["cards"])
audit_router = APIRouter(prefix="/api/v1", tags=["cards"])  # the audit log of every program
CardNo = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^\w+$")]
Auditor = Annotated[Caller, Depends(allow("auditor"))]

READ = problems(401, 403, 404, 422)
CHANGE = problems(400, 401, 403, 404, 409, 422)  # a card action
CHECKED = problems(400, 401, 403, 404, 409, 422, 429)  # one that checks a password


@router.get("/cards/{card_no}", response_model=CardView, responses=READ)
def card(program: str, card_no: CardNo, ctx: Ctx, _: Reader) -> CardView:
    return cards.card_info(ctx, program, card_no)


@router.post("/cards/{card_no}/report-lost", response_model=LossReported, responses=CHECKED)
def report_lost(
    program: str, card_no: CardNo, body: ReportLostIn, ctx: Ctx, caller: Till
) -> LossReported:
    """403 wrong_credentials for a wrong name, phone, password or ID; wrong passwords in a row
    lock the card's phone channel (429 pin_locked)."""
    return cards.report_lost(ctx, program, card_no, body, caller)


@router.post("/cards/{card_no}/reissue", status_code=201, response_model=NewCard, responses=CHANGE)
def reissue(
    program: str, card_no: CardNo, ctx: Ctx, caller: Till, body: ReissueIn | None = None
) -> NewCard:
    return card_replacement.reissue(ctx, program, card_no, body or ReissueIn(), caller)


@router.post("/cards/{card_no}/exchange", status_code=201, response_model=NewCard, responses=CHANGE)
def exchange(
    program: str, card_no: CardNo, ctx: Ctx, caller: Till, body: ReissueIn | None = None
) -> NewCard:
    return card_replacement.exchange(ctx, program, card_no, body or ReissueIn(), caller)


@router.post("/cards/{card_no}/cancel", response_model=CardCancelled, responses=CHANGE)
def cancel(
    program: str, card_no: CardNo, body: CardCancelIn, ctx: Ctx, caller: Manager
) -> CardCancelled:
    return cards.cancel(ctx, program, card_no, body, caller)


@router.post("/cards/{card_no}/password", response_model=PasswordSet, responses=CHECKED)
def set_password(
    program: str, card_no: CardNo, body: CardPasswordIn, ctx: Ctx, caller: Till
) -> PasswordSet:
    return cards.set_password(ctx, program, card_no, body, caller)


ActionQ = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_.]+$")]
IdQ = Annotated[str | None, Query(max_length=64, pattern=r"^[\w\-./:#]+$")]
RoleQ = Annotated[str | None, Query(pattern="^(" + "|".join(ROLES) + ")$")]
OutcomeQ = Annotated[str | None, Query(pattern=r"^(done|refused)$")]
LimitQ = Annotated[int, Query(ge=1, le=500)]
BeforeQ = Annotated[int | None, Query(ge=1, lt=2**62)]


async def _audit_query(
    action: ActionQ = None,
    member_id: IdQ = None,
    card_no: IdQ = None,
    role: RoleQ = None,
    outcome: OutcomeQ = None,
    since: MomentIn | None = None,
    until: MomentIn | None = None,
    before: BeforeQ = None,
    limit: LimitQ = 100,
) -> AuditQuery:
    """The filters both audit routes take from the query string."""
    return AuditQuery(
        action=action,
        member_id=member_id,
        card_no=card_no,
        role=role,
        outcome=cast(Outcome | None, outcome),  # the pattern allows only an Outcome
        since=since,
        until=until,
        before=before,
        limit=limit,
    )


AuditFilter = Annotated[AuditQuery, Depends(_audit_query)]


@audit_router.get("/audit", response_model=AuditPage, responses=READ)
def audit_log(
    ctx: Ctx,
    _: Auditor,
    query: AuditFilter,
    program: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z][a-z0-9_]*$")] = None,
) -> AuditPage:
    """The audit log, newest first; `action` ending in "." matches every action under it."""
    return audit.find(ctx, program, query)


@router.get("/audit", response_model=AuditPage, responses=READ)
def program_audit_log(program: str, ctx: Ctx, _: Auditor, query: AuditFilter) -> AuditPage:
    """The program's audit log, newest first (filters as in `GET /audit`)."""
    return audit.find(ctx, program, query)
