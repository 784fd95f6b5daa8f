"""Use cases for staff and members: the outbox list and requeue, sending now, notification
preferences, and the published lists (balances on the 8th, the quarterly notice board)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.calendar import zone
from ..domain.records.notify import NotifyPrefs, OutboxMessage
from ..domain.statuses import MemberStatus, MessageStatus
from ..errors import Invalid, NotFound
from ..security import Sealer
from ..services import ledger
from ..services.context import Context, require_member, require_program
from ..services.inputs import NotifyPrefsIn
from ..services.results.notify import (
    BalanceList,
    MemberBalance,
    MessageView,
    NotifyPrefsView,
    OutboxCounts,
    OutboxPage,
    SendRound,
)
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .channels import Channel
from .sender import send_due

STATUSES = tuple(MessageStatus)


def _iso(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat()


def _iso_or_none(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return _iso(moment, tz) if moment is not None else None


def message_view(row: OutboxMessage, tz: ZoneInfo) -> MessageView:
    retrying = row.status == MessageStatus.FAILED and row.gave_up_at is None
    return {
        "message_id": row.message_id,
        "member_id": row.member_id,
        "kind": row.kind,
        "channel": row.channel,
        "locale": row.locale,
        "status": MessageStatus(row.status),
        "subject": row.subject,
        "body": row.body,
        "attempts": int(row.attempts),
        "last_error": row.last_error,
        "retry_at": _iso(row.due_at, tz) if retrying else None,
        "gave_up_at": _iso_or_none(row.gave_up_at, tz),
        "due_at": _iso(row.due_at, tz),
        "occurred_at": _iso(row.occurred_at, tz),
        "created_at": _iso(row.created_at, tz),
        "sent_at": _iso_or_none(row.sent_at, tz),
        "provider_ref": row.provider_ref,
    }


def list_outbox(
    ctx: Context,
    program_code: str,
    status: str | None = None,
    member_id: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    before: int | None = None,
) -> OutboxPage:
    if status is not None and status not in STATUSES:
        raise Invalid(
            f"未知状态 / unknown status {status!r}; one of {', '.join(STATUSES)}",
            code="validation_error",
        )
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        tz = zone(stored.program.timezone)
        rows = uow.outbox.search(stored.program_id, status, member_id, kind, limit + 1, before)
        counts = uow.outbox.counts(stored.program_id)
    page = rows[:limit]
    by_status: OutboxCounts = {
        "pending": counts.get(MessageStatus.PENDING, 0),
        "sent": counts.get(MessageStatus.SENT, 0),
        "failed": counts.get(MessageStatus.FAILED, 0),
        "skipped": counts.get(MessageStatus.SKIPPED, 0),
    }
    return {
        "items": [message_view(r, tz) for r in page],
        "next_before": page[-1].message_id if len(rows) > limit else None,
        "counts": by_status,
    }


def requeue(ctx: Context, program_code: str, message_id: int) -> MessageView:
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        row = uow.outbox.get(stored.program_id, message_id)
        if row is None:
            raise NotFound("没有该消息 / no such message", code="message_not_found")
        if not uow.outbox.requeue(stored.program_id, message_id, now):
            raise Invalid(
                f"只能重发失败的消息 / only failed messages can be retried (this one is "
                f"{row.status})",
                code="message_not_failed",
            )
        row = uow.outbox.get(stored.program_id, message_id)
        assert row is not None
        uow.commit()
    return message_view(row, zone(stored.program.timezone))


def send_now(
    ctx: Context, program_code: str, channels: dict[str, Channel], limit: int = 200
) -> SendRound:
    with ctx.uow(write=False) as uow:
        require_program(uow, program_code)
    return send_due(ctx, channels, program_code, limit).as_dict()


# ----------------------------------------------------------------------------- preferences


def _stored_prefs(prefs: NotifyPrefs | None) -> dict[str, Any]:
    """The member's saved choices as columns; no row: the defaults (the program decides)."""
    if prefs is None:
        return {
            "opted_out": False,
            "opted_out_kinds": [],
            "channel": None,
            "locale": None,
            "email_enc": None,
        }
    return {
        "opted_out": bool(prefs.opted_out),
        "opted_out_kinds": list(prefs.opted_out_kinds or []),
        "channel": prefs.channel,
        "locale": prefs.locale,
        "email_enc": prefs.email_enc,
    }


def _prefs_view(member_id: str, prefs: NotifyPrefs | None, sealer: Sealer) -> NotifyPrefsView:
    saved = _stored_prefs(prefs)
    email = sealer.open(saved["email_enc"]) if saved["email_enc"] else None
    return {
        "member_id": member_id,
        "opted_out": saved["opted_out"],
        "opted_out_kinds": saved["opted_out_kinds"],
        "channel": saved["channel"],
        "locale": saved["locale"],
        "email": _mask_email(email),
    }


def _mask_email(email: str | None) -> str | None:
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def get_prefs(ctx: Context, program_code: str, member_id: str) -> NotifyPrefsView:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        prefs = uow.outbox.prefs(stored.program_id, member_id)
    return _prefs_view(member_id, prefs, ctx.sealer)


def set_prefs(
    ctx: Context, program_code: str, member_id: str, data: NotifyPrefsIn, actor: str | None
) -> NotifyPrefsView:
    """Changes the fields given (the others keep their value) and records the change in the
    member's history (an e-mail address only as "changed")."""
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        require_member(uow, pid, member_id, lock=True)
        values = _merged_prefs(uow.outbox.prefs(pid, member_id), data, ctx.sealer)
        uow.outbox.save_prefs(pid, member_id, {**values, "updated_at": now, "actor": actor})
        uow.members.record(pid, member_id, "notify_prefs", _prefs_change(data), actor, now, now)
        prefs = uow.outbox.prefs(pid, member_id)
        uow.commit()
    return _prefs_view(member_id, prefs, ctx.sealer)


def _merged_prefs(old: NotifyPrefs | None, data: NotifyPrefsIn, sealer: Sealer) -> dict[str, Any]:
    values = _stored_prefs(old)
    given = data.model_fields_set
    if "opted_out" in given:
        values["opted_out"] = bool(data.opted_out)
    if "opted_out_kinds" in given:
        values["opted_out_kinds"] = sorted(set(data.opted_out_kinds or []))
    for name in ("channel", "locale"):
        if name in given:
            values[name] = getattr(data, name)
    if "email" in given:
        values["email_enc"] = sealer.seal(data.email) if data.email else None
    if values["channel"] == "email" and not values["email_enc"]:
        raise Invalid(
            "选择邮件需先提供邮箱 / the e-mail channel needs an e-mail address",
            code="email_required",
        )
    return values


def _prefs_change(data: NotifyPrefsIn) -> dict[str, Any]:
    """The change as the member's history keeps it: never the e-mail address itself."""
    change = {k: v for k, v in data.model_dump(exclude_unset=True).items() if k != "email"}
    if "email" in data.model_fields_set:
        change["email"] = "changed"
    return change


# ----------------------------------------------------------------------------- published lists


def balances(
    ctx: Context,
    program_code: str,
    as_of: datetime | None,
    more_than: int | None = None,
    limit: int = 500,
    after: str | None = None,
) -> BalanceList:
    """Every member's points as of a moment (expiry applied), in member id order, paged; with
    `more_than`, only members holding more than that many points (the notice board)."""
    at = as_of or ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        tz = zone(stored.program.timezone)
        ids = [m for m in uow.members.all_ids(stored.program_id) if after is None or m > after]
        items, last = _balance_page(uow, stored, ids, at, more_than, limit)
    more = bool(ids) and last is not None and last != ids[-1]
    return {
        "as_of": at.astimezone(tz).isoformat(),
        "more_than": more_than,
        "items": items,
        "next_after": last if more else None,
    }


def _balance_page(
    uow: UnitOfWork,
    stored: StoredProgram,
    ids: list[str],
    at: datetime,
    more_than: int | None,
    limit: int,
) -> tuple[list[MemberBalance], str | None]:
    """Up to `limit` members' balances from `ids`, and the last id looked at."""
    items: list[MemberBalance] = []
    last: str | None = None
    for member_id in ids:
        last = member_id
        item = _member_balance(uow, stored, member_id, at, more_than)
        if item is not None:
            items.append(item)
            if len(items) >= limit:
                break
    return items, last


def _member_balance(
    uow: UnitOfWork, stored: StoredProgram, member_id: str, at: datetime, more_than: int | None
) -> MemberBalance | None:
    """The member's line of the list; none for a cancelled member or one holding too few."""
    pid = stored.program_id
    member = uow.members.get(pid, member_id)
    if member is None or member.status == MemberStatus.CANCELLED:
        return None
    balance = ledger.balance_as_of(uow, pid, member_id, at)
    if more_than is not None and balance.points <= more_than:
        return None
    tz = zone(stored.program.timezone)
    return {
        "member_id": member_id,
        "name": member.name,
        "phone": member.phone_masked,
        "tier": member.tier,
        "points": balance.points,
        "expiring": [{"expires_at": _iso(when, tz), "points": n} for when, n in balance.expiring],
    }


def notice_board(
    ctx: Context,
    program_code: str,
    as_of: datetime | None,
    limit: int = 500,
    after: str | None = None,
) -> BalanceList:
    """The quarterly notice board (supermarket): members with more than the program's
    `reminders.notice_board_more_than` points."""
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
    threshold = stored.program.reminders.notice_board_more_than
    if threshold is None:
        raise Invalid(
            "本方案没有积分公告 / this program has no notice board "
            "([reminders] notice_board_more_than)",
            code="no_notice_board",
        )
    return balances(ctx, program_code, as_of, threshold, limit, after)
