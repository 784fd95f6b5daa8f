"""Use cases for staff and members: the outbox list and requeue, sending now, notification
preferences, and the published lists (balances on the 8th, the quarterly notice board)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.calendar import zone
from ..errors import Invalid, NotFound
from ..services import ledger
from ..services.context import Context, require_member, require_program
from ..services.inputs import NotifyPrefsIn
from .channels import Channel
from .sender import send_due

STATUSES = ("pending", "sent", "failed", "skipped")


def _iso(moment: datetime | None, tz: Any) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def message_view(row: Any, tz: Any) -> dict[str, Any]:
    retrying = row.status == "failed" and row.gave_up_at is None
    return {
        "message_id": row.message_id,
        "member_id": row.member_id,
        "kind": row.kind,
        "channel": row.channel,
        "locale": row.locale,
        "status": row.status,
        "subject": row.subject,
        "body": row.body,
        "attempts": int(row.attempts),
        "last_error": row.last_error,
        "retry_at": _iso(row.due_at, tz) if retrying else None,
        "gave_up_at": _iso(row.gave_up_at, tz),
        "due_at": _iso(row.due_at, tz),
        "occurred_at": _iso(row.occurred_at, tz),
        "created_at": _iso(row.created_at, tz),
        "sent_at": _iso(row.sent_at, tz),
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
) -> dict[str, Any]:
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
    return {
        "items": [message_view(r, tz) for r in page],
        "next_before": page[-1].message_id if len(rows) > limit else None,
        "counts": {s: counts.get(s, 0) for s in STATUSES},
    }


def requeue(ctx: Context, program_code: str, message_id: int) -> dict[str, Any]:
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
        uow.commit()
    return message_view(row, zone(stored.program.timezone))


def send_now(
    ctx: Context, program_code: str, channels: dict[str, Channel], limit: int = 200
) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        require_program(uow, program_code)
    return send_due(ctx, channels, program_code, limit).as_dict()


# ----------------------------------------------------------------------------- preferences


def _prefs_view(member_id: str, row: Any, ctx: Context) -> dict[str, Any]:
    email = ctx.sealer.open(row.email_enc) if row is not None and row.email_enc else None
    return {
        "member_id": member_id,
        "opted_out": bool(row.opted_out) if row is not None else False,
        "opted_out_kinds": list(row.opted_out_kinds or []) if row is not None else [],
        "channel": row.channel if row is not None else None,
        "locale": row.locale if row is not None else None,
        "email": _mask_email(email),
    }


def _mask_email(email: str | None) -> str | None:
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def get_prefs(ctx: Context, program_code: str, member_id: str) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        row = uow.outbox.prefs(stored.program_id, member_id)
    return _prefs_view(member_id, row, ctx)


def set_prefs(
    ctx: Context, program_code: str, member_id: str, data: NotifyPrefsIn, actor: str | None
) -> dict[str, Any]:
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id, lock=True)
        old = uow.outbox.prefs(stored.program_id, member_id)
        values: dict[str, Any] = {
            "opted_out": bool(old.opted_out) if old is not None else False,
            "opted_out_kinds": list(old.opted_out_kinds or []) if old is not None else [],
            "channel": old.channel if old is not None else None,
            "locale": old.locale if old is not None else None,
            "email_enc": old.email_enc if old is not None else None,
        }
        given = data.model_fields_set
        if "opted_out" in given:
            values["opted_out"] = bool(data.opted_out)
        if "opted_out_kinds" in given:
            values["opted_out_kinds"] = sorted(set(data.opted_out_kinds or []))
        if "channel" in given:
            values["channel"] = data.channel
        if "locale" in given:
            values["locale"] = data.locale
        if "email" in given:
            values["email_enc"] = ctx.sealer.seal(data.email) if data.email else None
        if values["channel"] == "email" and not values["email_enc"]:
            raise Invalid(
                "选择邮件需先提供邮箱 / the e-mail channel needs an e-mail address",
                code="email_required",
            )
        uow.outbox.save_prefs(
            stored.program_id, member_id, {**values, "updated_at": now, "actor": actor}
        )
        change = {k: v for k, v in data.model_dump(exclude_unset=True).items() if k != "email"}
        if "email" in given:
            change["email"] = "changed"
        uow.members.record(stored.program_id, member_id, "notify_prefs", change, actor, now, now)
        row = uow.outbox.prefs(stored.program_id, member_id)
        uow.commit()
    return _prefs_view(member_id, row, ctx)


# ----------------------------------------------------------------------------- published lists


def balances(
    ctx: Context,
    program_code: str,
    as_of: datetime | None,
    more_than: int | None = None,
    limit: int = 500,
    after: str | None = None,
) -> dict[str, Any]:
    """Every member's points as of a moment (expiry applied), in member id order, paged; with
    `more_than`, only members holding more than that many points (the notice board)."""
    at = as_of or ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        tz = zone(stored.program.timezone)
        pid = stored.program_id
        ids = [m for m in uow.members.all_ids(pid) if after is None or m > after]
        items: list[dict[str, Any]] = []
        last: str | None = None
        for member_id in ids:
            last = member_id
            row = uow.members.get(pid, member_id)
            if row is None or row.status in ("cancelled", "void"):
                continue
            bal = ledger.balance_as_of(uow, pid, member_id, at)
            if more_than is not None and bal.points <= more_than:
                continue
            items.append(
                {
                    "member_id": member_id,
                    "name": row.name,
                    "phone": row.phone_masked,
                    "tier": row.tier,
                    "points": bal.points,
                    "expiring": [
                        {"expires_at": when.astimezone(tz).isoformat(), "points": n}
                        for when, n in bal.expiring
                    ],
                }
            )
            if len(items) >= limit:
                break
        more = bool(ids) and last is not None and last != ids[-1]
    return {
        "as_of": at.astimezone(tz).isoformat(),
        "more_than": more_than,
        "items": items,
        "next_after": last if more else None,
    }


def notice_board(
    ctx: Context,
    program_code: str,
    as_of: datetime | None,
    limit: int = 500,
    after: str | None = None,
) -> dict[str, Any]:
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
