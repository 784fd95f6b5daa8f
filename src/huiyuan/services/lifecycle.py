"""A membership over time: renewal, changes to profile and attributes, cancellation and exit,
and the member's history (every tier change with its reason and time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from ..domain.calendar import add_months, business_date, zone
from ..domain.ledger import EntryKind, available
from ..domain.money import ZERO, fmt
from ..domain.program import Membership
from ..domain.records.members import HistoryEntry, Member
from ..domain.statuses import MemberStatus
from ..errors import Forbidden, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit, ledger, profile
from .context import Context, require_member, require_program
from .inputs import AttributeValue, CancelIn, MemberPatchIn, RenewIn, moment
from .members import get_member
from .paging import page_of
from .results.members import History, HistoryItem, MemberView
from .tier_review import attributes_as_of, change_tier


def _locked_member(uow: UnitOfWork, stored: StoredProgram, member_id: str) -> Member:
    """The member under the writer's lock, refused once cancelled."""
    row = require_member(uow, stored.program_id, member_id, lock=True)
    if row.status == MemberStatus.CANCELLED:
        raise Forbidden("会员资格已取消 / membership was cancelled", code="member_cancelled")
    return row


# ----------------------------------------------------------------------------- renewal


def renew(
    ctx: Context, program_code: str, member_id: str, data: RenewIn, actor: Any = None
) -> MemberView:
    """A new membership year from the renewal's moment (store_basic: joined or renewed on
    2027-01-05 → valid through 2028-01-04), starting again in the first tier if the program
    says so. A resend of the same renewal (same moment) changes nothing."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        terms = stored.program.membership
        months = _renewal_months(terms)
        row = _locked_member(uow, stored, member_id)
        fee = _renewal_fee(terms, row, at, data.fee_paid or ZERO)
        until = add_months(business_date(at, zone(stored.program.timezone)), months)
        until -= timedelta(days=1)
        if not uow.lifecycle.renewed_at(stored.program_id, member_id, at):
            _record_renewal(uow, stored, row, until, fee, audit.actor_of(actor).label, at, now)
            uow.commit()
    return get_member(ctx, program_code, member_id)


def _renewal_months(terms: Membership) -> int:
    """How long a renewed membership lasts; a membership that does not lapse is not renewed."""
    if terms.validity_months is None:
        raise Invalid(
            "本方案会员资格长期有效，无需续会 / membership here does not lapse",
            code="renewal_not_offered",
        )
    return terms.validity_months


def _renewal_fee(terms: Membership, row: Member, at: datetime, fee: Decimal) -> Decimal:
    """The fee paid, refused when short of the program's or dated before joining."""
    if at < row.joined_at:
        raise Invalid("续会时间早于入会时间 / renewal dated before joining", code="not_yet_member")
    if fee < terms.renewal_fee:
        raise Invalid(
            f"续会须缴费 {fmt(terms.renewal_fee)} / renewal needs a fee of "
            f"{fmt(terms.renewal_fee)}",
            code="fee_not_paid",
        )
    return fee


def _record_renewal(
    uow: UnitOfWork,
    stored: StoredProgram,
    row: Member,
    until: date,
    fee: Decimal,
    actor: str | None,
    at: datetime,
    now: datetime,
) -> None:
    """The new validity, the tier the renewed membership starts in, and the renewal in the
    member's history."""
    pid, member_id = stored.program_id, row.member_id
    program = stored.program
    tier = program.first_tier if program.membership.renewal_resets_tier else row.tier
    if tier != row.tier:
        valid_until = until.isoformat()
        change_tier(
            uow, pid, member_id, row.tier, tier, "renewal", at, now, actor, valid_until=valid_until
        )
    uow.members.update(pid, member_id, valid_until=until, updated_at=now)
    previous = row.valid_until.isoformat() if row.valid_until else None
    detail = {
        "tier": tier,
        "valid_until": until.isoformat(),
        "previous_valid_until": previous,
        "fee_paid": fmt(fee),
    }
    uow.members.record(pid, member_id, "renewed", detail, actor, at, now)


# ----------------------------------------------------------------------------- changes


def patch(
    ctx: Context, program_code: str, member_id: str, data: MemberPatchIn, caller: Any
) -> MemberView:
    """Profile fields (as profile.apply_profile_change checks them) and attributes, effective
    at `occurred_at`; every change is in the member's history with who made it. Attributes can
    move tiers (private_bank shares), so they need a manager."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        row = _locked_member(uow, stored, member_id)
        changes = data.profile_changes()
        if changes:
            profile.apply_profile_change(uow, stored, row, changes, caller, at, ctx.sealer, now)
        if data.attributes:
            _change_attributes(uow, stored.program_id, member_id, data.attributes, caller, at, now)
        uow.commit()
    return get_member(ctx, program_code, member_id)


def _change_attributes(
    uow: UnitOfWork,
    pid: int,
    member_id: str,
    attributes: dict[str, AttributeValue],
    caller: Any,
    at: datetime,
    now: datetime,
) -> None:
    """Records the attributes that differ from those in effect at `at`; the member's row keeps
    those in effect after every recorded change."""
    who = audit.actor_of(caller)
    if not who.at_least("manager"):
        raise Forbidden(
            "会员属性须由经理修改 / member attributes are changed by a manager",
            code="forbidden_role",
        )
    in_effect = attributes_as_of(uow, pid, member_id, at)
    diff = {
        name: {"from": in_effect.get(name), "to": value}
        for name, value in attributes.items()
        if in_effect.get(name) != value
    }
    if not diff:
        return
    uow.members.record(pid, member_id, "attributes", {"changes": diff}, who.label, at, now)
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


# ----------------------------------------------------------------------------- ending


def cancel(
    ctx: Context, program_code: str, member_id: str, data: CancelIn, caller: Any
) -> MemberView:
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
        row = require_member(uow, pid, member_id, lock=True)
        if row.status != MemberStatus.CANCELLED:
            if row.stored_value != 0:
                raise Invalid(
                    f"请先退还储值余额 {fmt(row.stored_value)} / withdraw the stored value "
                    f"({fmt(row.stored_value)}) before cancelling",
                    code="stored_value_remaining",
                )
            voided = _void_points(uow, stored, row, data.reason, at, now)
            cards = uow.lifecycle.close_cards(pid, member_id)
            uow.members.update(pid, member_id, status=MemberStatus.CANCELLED, updated_at=now)
            detail = {
                "from": row.status,
                "to": MemberStatus.CANCELLED,
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


def _void_points(
    uow: UnitOfWork, stored: StoredProgram, row: Member, reason: str, at: datetime, now: datetime
) -> int:
    """The points still usable, voided where the program voids them for this reason."""
    if reason not in stored.program.membership.void_points_on:
        return 0
    pid, member_id = stored.program_id, row.member_id
    usable = available(uow.ledger.open_lots(pid, member_id), at) - int(row.debt)
    if usable <= 0:
        return 0
    posting = ledger.Posting(
        pid,
        member_id,
        at,
        now,
        ref=f"cancel:{member_id}",
        reason=f"void: membership cancelled ({reason})",
    )
    ledger.debit(uow, posting, usable, EntryKind.ADJUST_OUT)
    return usable


# ----------------------------------------------------------------------------- history


def history(
    ctx: Context, program_code: str, member_id: str, limit: int, before: int | None
) -> History:
    """The member's history, newest first: joining, every tier change (with reason, the
    metrics that decided it and who or which job), kept card years, renewals, status, profile
    and attribute changes."""
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        tz = zone(stored.program.timezone)
        rows = uow.lifecycle.history_page(stored.program_id, member_id, limit + 1, before)
    page, next_before = page_of(rows, limit, lambda r: int(r.history_id))
    return {"items": [_history_item(r, tz) for r in page], "next_before": next_before}


def _history_item(entry: HistoryEntry, tz: tzinfo) -> HistoryItem:
    return {
        "history_id": int(entry.history_id),
        "kind": entry.kind,
        "detail": entry.detail or {},
        "actor": entry.actor,
        "occurred_at": entry.occurred_at.astimezone(tz).isoformat(),
        "recorded_at": entry.recorded_at.astimezone(tz).isoformat(),
    }
