"""Outbox messages, members' notification preferences and the history a reminder reads: what
the outbox and notice repositories return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    message_id: int
    program_id: int
    member_id: str
    kind: str  # expiry_reminder, tier_changed, birthday, ...
    dedupe_key: str  # one message per member and cause
    channel: str  # sms, email, file, console
    locale: str
    subject: str
    body: str
    params: dict[str, Any]
    status: str  # a MessageStatus value
    attempts: int  # sends started
    due_at: datetime  # not before: quiet hours, retry backoff
    claimed_by: str | None
    claimed_until: datetime | None  # a sender's lease; past it the row is free again
    last_error: str | None
    gave_up_at: datetime | None  # failed for good
    provider_ref: str | None
    occurred_at: datetime  # the cause's moment (a job's as_of)
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class NotifyPrefs:
    program_id: int
    member_id: str
    opted_out: bool
    opted_out_kinds: list[str]  # e.g. ["care"]: only these are refused
    channel: str | None  # none: the program's
    locale: str | None  # none: the program's
    email_enc: str | None
    updated_at: datetime
    actor: str | None


@dataclass(frozen=True, slots=True)
class TierChange:
    """A `tier_changed` entry of a member's history (detail holds "from" and "to")."""

    history_id: int
    member_id: str
    detail: dict[str, Any]
    occurred_at: datetime
