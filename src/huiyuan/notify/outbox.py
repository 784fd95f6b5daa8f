"""Writing messages to the outbox inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.calendar import zone
from ..domain.program import Program
from ..domain.records.members import Member
from ..domain.records.notify import NotifyPrefs
from ..domain.statuses import MessageStatus
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .policy import next_allowed
from .templates import CARE_KINDS, Rendered, render

# Kinds a member can refuse as a group (`opted_out_kinds`), beside each kind by name.
KIND_GROUPS = {
    "care": CARE_KINDS,
    "reminders": frozenset(
        {"expiry_reminder", "upgrade_possible", "redemption_window", "balance_statement"}
    ),
    "service": frozenset({"tier_changed"}),
}


def opted_out(prefs: NotifyPrefs | None, kind: str) -> bool:
    """True when the member's preferences refuse this kind of message."""
    if prefs is None:
        return False
    if prefs.opted_out:
        return True
    refused = set(prefs.opted_out_kinds or [])
    return kind in refused or any(kind in KIND_GROUPS.get(g, ()) for g in refused)


DUPLICATE = "duplicate"  # the member already has a message with this dedupe key


@dataclass(frozen=True)
class Enqueued:
    message_id: int | None  # none: already there (same member and dedupe key)
    status: str  # MessageStatus.PENDING, MessageStatus.SKIPPED (opted out), or DUPLICATE


def enqueue(
    uow: UnitOfWork,
    stored: StoredProgram,
    member: Member,
    kind: str,
    dedupe_key: str,
    params: dict[str, Any],
    occurred_at: datetime,
    now: datetime,
) -> Enqueued:
    """Adds one message for a member, once per (member, dedupe key), in the caller's unit of
    work: it commits with its cause or not at all. A member who opted out gets a `skipped`
    row (the record that the message was not sent and why; it also keeps the message from
    being written again if they opt back in). Quiet hours set when it may go out."""
    pid = stored.program_id
    if uow.outbox.exists(pid, member.member_id, dedupe_key):
        return Enqueued(None, DUPLICATE)
    prefs = uow.outbox.prefs(pid, member.member_id)
    skipped = opted_out(prefs, kind)
    status = MessageStatus.SKIPPED if skipped else MessageStatus.PENDING
    channel, locale = _addressed(stored.program, prefs)
    text = _text(stored.program, member, locale, kind, params)
    due = next_allowed(stored.program.notify, max(occurred_at, now), zone(stored.program.timezone))
    message_id = uow.outbox.add(
        {
            "program_id": pid,
            "member_id": member.member_id,
            "kind": kind,
            "dedupe_key": dedupe_key,
            "channel": channel,
            "locale": locale,
            "subject": text.subject[:200],
            "body": text.body,
            "params": _jsonable(params),
            "status": status,
            "attempts": 0,
            "due_at": due,
            "last_error": "opted_out" if skipped else None,
            "occurred_at": occurred_at,
            "created_at": now,
        }
    )
    if message_id is None:
        return Enqueued(None, DUPLICATE)
    return Enqueued(message_id, status)


def _addressed(program: Program, prefs: NotifyPrefs | None) -> tuple[str, str]:
    """(channel, locale): the member's choice, else the program's."""
    channel = prefs.channel if prefs is not None else None
    locale = prefs.locale if prefs is not None else None
    return channel or program.notify.channel.value, locale or program.notify.locale


def _text(
    program: Program, member: Member, locale: str, kind: str, params: dict[str, Any]
) -> Rendered:
    values = {
        "program": program.name,
        "program_en": program.name_en,
        "name": member.name or ("会员" if locale == "zh-CN" else "member"),
        **params,
    }
    return render(kind, locale, values)


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, int | str | bool | None) else str(v) for k, v in params.items()}
