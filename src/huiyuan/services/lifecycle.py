"""A membership over time: renewal, changes to profile and attributes, cancellation and exit,
and the member's history (every tier change with its reason and time)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..domain.calendar import add_months, business_date, zone
from ..domain.ledger import EntryKind, available
from ..domain.money import ZERO, fmt
from ..errors import Forbidden, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit, ledger, profile
from .context import Context, require_member, require_program
from .inputs import CancelIn, MemberPatchIn, RenewIn, moment
from .members import get_member
from .tier_review import attributes_as_of, change_tier


def _locked(uow: UnitOfWork, stored: StoredProgram, member_id: str) -> Any:
    row = require_member(uow, stored.program_id, member_id, lock=True)
    return row


def _not_cancelled(row: Any) -> None:
    if row.status == "cancelled":
        raise Forbidden("会员资格已取消 / membership was cancelled", code="member_cancelled")


# ----------------------------------------------------------------------------- renewal


def renew(
    ctx: Context, program_code: str, member_id: str, data: RenewIn, actor: Any = None
) -> dict[str, Any]:
    """A new membership year from the renewal's moment (store_basic: joined or renewed on
    2027-01-05 → valid through 2028-01-04), starting again in the first tier if the program
    says so. A resend of the same renewal (same moment) changes nothing."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    who = audit.actor_of(actor)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        program = stored.program
        terms = program.membership
        if terms.validity_months is None:
            raise Invalid(
                "本方案会员资格长期有效，无需续会 / membership here does not lapse",
                code="renewal_not_offered",
            )
        row = _locked(uow, stored, member_id)
        _not_cancelled(row)
        if at < row.joined_at:
            raise Invalid(
                "续会时间早于入会时间 / renewal dated before joining", code="not_yet_member"
            )
        fee = data.fee_paid or ZERO
        if fee < terms.renewal_fee:
            raise Invalid(
                f"续会须缴费 {fmt(terms.renewal_fee)} / renewal needs a fee of "
                f"{fmt(terms.renewal_fee)}",
                code="fee_not_paid",
            )
        tz = zone(program.timezone)
        until = add_months(business_date(at, tz), terms.validity_months) - timedelta(days=1)
        pid = stored.program_id
        repeated = any(
            e.kind == "renewed" and e.occurred_at == at
            for e in uow.lifecycle.tier_events(pid, member_id)
        )
        if not repeated:
            tier = program.first_tier if terms.renewal_resets_tier else row.tier
            if tier != row.tier:
                change_tier(
                    uow,
                    pid,
                    member_id,
                    row.tier,
                    tier,
                    "renewal",
                    at,
                    now,
                    who.label,
                    valid_until=until.isoformat(),
                )
            uow.members.update(pid, member_id, valid_until=until, updated_at=now)
            uow.members.record(
                pid,
                member_id,
                "renewed",
                {
                    "tier": tier,
                    "valid_until": until.isoformat(),
                    "previous_valid_until": row.valid_until.isoformat()
                    if row.valid_until
                    else None,
                    "fee_paid": fmt(fee),
                },
                who.label,
                at,
                now,
            )
            uow.commit()
    return get_member(ctx, program_code, member_id)


# ----------------------------------------------------------------------------- changes


def patch(
    ctx: Context, program_code: str, member_id: str, data: MemberPatchIn, caller: Any
) -> dict[str, Any]:
    """Profile fields (as profile.apply_profile_change checks them) and attributes, effective
    at `occurred_at`; every change is in the member's history with who made it. Attributes can
    move tiers (private_bank shares), so they need a manager."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    who = audit.actor_of(caller)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        row = _locked(uow, stored, member_id)
        _not_cancelled(row)
        changes = data.profile_changes()
        if changes:
            profile.apply_profile_change(uow, stored, row, changes, caller, at, ctx.sealer, now)
        if data.attributes:
            if not who.at_least("manager"):
                raise Forbidden(
                    "会员属性须由经理修改 / member attributes are changed by a manager",
                    code="forbidden_role",
                )
            in_effect = attributes_as_of(uow, pid, member_id, at)
            diff = {
                name: {"from": in_effect.get(name), "to": value}
                for name, value in data.attributes.items()
                if in_effect.get(name) != value
            }
            if diff:
                uow.members.record(
                    pid, member_id, "attributes", {"changes": diff}, who.label, at, now
                )
                latest = attributes_as_of(uow, pid, member_id, None)
                uow.members.update(pid, member_id, attributes=latest, updated_at=now)
                audit.record(
                    uow,
                    "member.attributes_changed",
                    who,
                    now,
                    program_id=pid,
                    member_id=member_id,
                    occurred_at=at,
                    detail={"changes": diff},
                )
        uow.commit()
    return get_member(ctx, program_code, member_id)


# ----------------------------------------------------------------------------- ending


def cancel(
    ctx: Context, program_code: str, member_id: str, data: CancelIn, caller: Any
) -> dict[str, Any]:
    """Ends a membership: for fraud or card lending (取消会员资格) or at the member's wish. The
    program's `void_points_on` reasons void the points still usable (one adjust_out entry with
    the reason); stored value must be withdrawn first. Cards stop working; the till refuses the
    member (403 member_cancelled). Cancelling a cancelled member changes nothing."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    who = audit.actor_of(caller)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        row = _locked(uow, stored, member_id)
        if row.status != "cancelled":
            if row.stored_value != 0:
                raise Invalid(
                    f"请先退还储值余额 {fmt(row.stored_value)} / withdraw the stored value "
                    f"({fmt(row.stored_value)}) before cancelling",
                    code="stored_value_remaining",
                )
            voided = 0
            if data.reason in stored.program.membership.void_points_on:
                usable = available(uow.ledger.open_lots(pid, member_id), at) - int(row.debt)
                if usable > 0:
                    posting = ledger.Posting(
                        pid,
                        member_id,
                        at,
                        now,
                        ref=f"cancel:{member_id}",
                        reason=f"void: membership cancelled ({data.reason})",
                    )
                    ledger.debit(uow, posting, usable, EntryKind.ADJUST_OUT)
                    voided = usable
            cards = uow.lifecycle.close_cards(pid, member_id)
            uow.members.update(pid, member_id, status="cancelled", updated_at=now)
            detail = {
                "from": row.status,
                "to": "cancelled",
                "reason": data.reason,
                "note": data.note,
                "points_voided": voided,
                "cards_closed": cards,
            }
            uow.members.record(pid, member_id, "status", detail, who.label, at, now)
            audit.record(
                uow,
                "member.cancelled",
                who,
                now,
                program_id=pid,
                member_id=member_id,
                occurred_at=at,
                detail={"reason": data.reason, "points_voided": voided},
            )
            uow.commit()
    return get_member(ctx, program_code, member_id)


# ----------------------------------------------------------------------------- history


def history(
    ctx: Context, program_code: str, member_id: str, limit: int, before: int | None
) -> dict[str, Any]:
    """The member's history, newest first: joining, every tier change (with reason, the
    metrics that decided it and who or which job), kept card years, renewals, status, profile
    and attribute changes."""
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        rows = uow.lifecycle.history_page(stored.program_id, member_id, limit + 1, before)
        page = rows[:limit]
        return {
            "items": [
                {
                    "history_id": int(r.history_id),
                    "kind": r.kind,
                    "detail": r.detail or {},
                    "actor": r.actor,
                    "occurred_at": _iso(r.occurred_at, tz),
                    "recorded_at": _iso(r.recorded_at, tz),
                }
                for r in page
            ],
            "next_before": int(page[-1].history_id) if len(rows) > limit else None,
        }


def _iso(value: datetime, tz: Any) -> str:
    return value.astimezone(tz).isoformat()
