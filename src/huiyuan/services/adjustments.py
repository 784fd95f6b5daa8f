"""Manual point adjustments by a manager (积分调整): a correction is a new ledger entry of kind
adjust_in or adjust_out, never an edit, with its reason; idempotent by `adjustment_no`, and
audited with who made it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from ..domain.calendar import zone
from ..domain.expiry import expires_at
from ..domain.ledger import EntryKind
from ..errors import Conflict, Invalid
from ..security import mask_text
from . import audit, ledger
from .context import Context, require_member, require_program
from .idempotency import replay
from .inputs import AdjustmentIn, moment

KIND = "adjustment"


def adjust(
    ctx: Context, program_code: str, member_id: str, data: AdjustmentIn, who: Any
) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    # The member is part of what was asked: the same number for another member is a conflict.
    fingerprint = ctx.fingerprint(data, member_id)
    try:
        with ctx.uow() as uow:
            stored = require_program(uow, program_code)
            pid = stored.program_id
            first = replay(uow, pid, KIND, data.adjustment_no, fingerprint)
            if first is not None:
                return first
            row = require_member(uow, pid, member_id, lock=True)
            if at < row.joined_at:
                raise Invalid(
                    "调整时间早于入会时间 / the adjustment is dated before the member joined",
                    code="not_yet_member",
                )
            reason = mask_text(data.reason)
            posting = ledger.Posting(
                pid, member_id, at, now, ref=data.adjustment_no, reason=f"adjustment: {reason}"
            )
            if data.points > 0:
                program = stored.program
                expiry = expires_at(program.expiry, at, zone(program.timezone))
                ledger.credit(
                    uow,
                    posting,
                    data.points,
                    expiry,
                    kind=EntryKind.ADJUST_IN,
                    counts_as_earned=data.counts_as_earned,
                )
            else:
                ledger.debit(uow, posting, -data.points, EntryKind.ADJUST_OUT)
            actor = audit.actor_of(who)
            uow.members.record(
                pid,
                member_id,
                "points_adjusted",
                {"adjustment_no": data.adjustment_no, "points": data.points, "reason": reason},
                actor.label,
                at,
                now,
            )
            after = uow.members.get(pid, member_id)
            assert after is not None
            audit.record(
                uow,
                "points.adjusted",
                actor,
                now,
                program_id=pid,
                member_id=member_id,
                ref=data.adjustment_no,
                occurred_at=at,
                detail={"points": data.points, "reason": reason, "balance": int(after.points)},
            )
            answer = {
                "adjustment_no": data.adjustment_no,
                "member_id": member_id,
                "points": data.points,
                "balance": int(after.points),
            }
            uow.requests.put(pid, KIND, data.adjustment_no, fingerprint, 201, answer, now)
            uow.commit()
            return answer
    except IntegrityError:
        with ctx.uow(write=False) as uow:
            stored = require_program(uow, program_code)
            first = replay(uow, stored.program_id, KIND, data.adjustment_no, fingerprint)
            if first is None:
                raise Conflict("请重试 / please retry", code="retry") from None
            return first
