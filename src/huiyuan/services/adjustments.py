"""Manual point adjustments by a manager (积分调整): a correction is a new ledger entry of kind
adjust_in or adjust_out, never an edit, with its reason; idempotent by `adjustment_no`, and
audited with who made it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.calendar import zone
from ..domain.expiry import expires_at
from ..domain.ledger import EntryKind
from ..errors import Invalid
from ..security import mask_text
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit, ledger
from .context import Context, require_member
from .idempotency import run_once
from .inputs import AdjustmentIn, moment
from .results.accounts import Adjusted

KIND = "adjustment"


def adjust(
    ctx: Context, program_code: str, member_id: str, data: AdjustmentIn, who: Any
) -> Adjusted:
    now = ctx.now()
    at = moment(data.occurred_at, now)

    def work(uow: UnitOfWork, stored: StoredProgram) -> Adjusted:
        return _adjust(uow, stored, member_id, data, audit.actor_of(who), at, now)

    # The member is part of what was asked: the same number for another member is a conflict.
    fingerprint = ctx.fingerprint(data, member_id)
    return run_once(ctx, program_code, KIND, data.adjustment_no, fingerprint, work)


def _adjust(
    uow: UnitOfWork,
    stored: StoredProgram,
    member_id: str,
    data: AdjustmentIn,
    actor: audit.Actor,
    at: datetime,
    now: datetime,
) -> Adjusted:
    pid = stored.program_id
    member = require_member(uow, pid, member_id, lock=True)
    if at < member.joined_at:
        raise Invalid(
            "调整时间早于入会时间 / the adjustment is dated before the member joined",
            code="not_yet_member",
        )
    reason = mask_text(data.reason)
    posting = ledger.Posting(
        pid, member_id, at, now, ref=data.adjustment_no, reason=f"adjustment: {reason}"
    )
    _post(uow, stored, posting, data)
    detail = {"adjustment_no": data.adjustment_no, "points": data.points, "reason": reason}
    uow.members.record(pid, member_id, "points_adjusted", detail, actor.label, at, now)
    after = uow.members.get(pid, member_id)
    assert after is not None
    balance = int(after.points)
    audit.record(
        uow,
        "points.adjusted",
        actor,
        now,
        program_id=pid,
        member_id=member_id,
        ref=data.adjustment_no,
        occurred_at=at,
        detail={"points": data.points, "reason": reason, "balance": balance},
    )
    return {
        "adjustment_no": data.adjustment_no,
        "member_id": member_id,
        "points": data.points,
        "balance": balance,
    }


def _post(
    uow: UnitOfWork, stored: StoredProgram, posting: ledger.Posting, data: AdjustmentIn
) -> None:
    """Points added are a new lot expiring as earned points do; points taken are drawn from
    the usable lots, soonest expiry first."""
    if data.points < 0:
        ledger.debit(uow, posting, -data.points, EntryKind.ADJUST_OUT)
        return
    program = stored.program
    expiry = expires_at(program.expiry, posting.occurred_at, zone(program.timezone))
    ledger.credit(
        uow,
        posting,
        data.points,
        expiry,
        kind=EntryKind.ADJUST_IN,
        counts_as_earned=data.counts_as_earned,
    )
