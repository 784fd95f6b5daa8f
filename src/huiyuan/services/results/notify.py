"""The answers of the outbox, sending, notification preferences and the published lists."""

from __future__ import annotations

from typing_extensions import TypedDict

from ...domain.statuses import MessageStatus
from . import Moment, answer

_AT = "2026-12-02T09:00:00+08:00"


@answer(
    example={
        "message_id": 12,
        "member_id": "M3F2A9C01B7D4E6A0",
        "kind": "expiry_reminder",
        "channel": "sms",
        "locale": "zh-CN",
        "status": "failed",
        "subject": "营销积分：积分即将到期",
        "body": "【营销积分】李雷您好，您有 2 积分将于 2026-12-31 24:00 到期（还剩 30 天），"
        "请在到期前使用。",
        "attempts": 1,
        "last_error": "SMS gateway 503: busy",
        "retry_at": "2026-12-02T09:01:00+08:00",
        "gave_up_at": None,
        "due_at": "2026-12-02T09:01:00+08:00",
        "occurred_at": _AT,
        "created_at": _AT,
        "sent_at": None,
        "provider_ref": None,
    }
)
class MessageView(TypedDict):
    """A message in the outbox: `retry_at` while a failed send waits for its next try,
    `gave_up_at` once it failed for good (a manager may retry it)."""

    message_id: int
    member_id: str
    kind: str
    channel: str
    locale: str
    status: MessageStatus
    subject: str
    body: str
    attempts: int
    last_error: str | None
    retry_at: Moment | None
    gave_up_at: Moment | None
    due_at: Moment
    occurred_at: Moment
    created_at: Moment
    sent_at: Moment | None
    provider_ref: str | None


@answer(example={"pending": 3, "sent": 120, "failed": 1, "skipped": 4})
class OutboxCounts(TypedDict):
    """Messages of the program by status."""

    pending: int
    sent: int
    failed: int
    skipped: int


@answer(
    example={
        "items": [],
        "next_before": None,
        "counts": {"pending": 3, "sent": 120, "failed": 1, "skipped": 4},
    }
)
class OutboxPage(TypedDict):
    """A page of the outbox, newest first; `next_before` asks for the next page."""

    items: list[MessageView]
    next_before: int | None
    counts: OutboxCounts


@answer(
    example={
        "claimed": 5,
        "sent": 4,
        "failed": 1,
        "gave_up": 0,
        "skipped": 0,
        "quiet_programs": [],
    }
)
class SendRound(TypedDict):
    """What one round of the sender did: messages claimed, sent, failed (to be retried), given
    up and skipped, and the programs in their quiet hours (nothing of theirs was sent)."""

    claimed: int
    sent: int
    failed: int
    gave_up: int
    skipped: int
    quiet_programs: list[str]


@answer(
    example={
        "member_id": "M3F2A9C01B7D4E6A0",
        "opted_out": False,
        "opted_out_kinds": ["care"],
        "channel": "email",
        "locale": "zh-CN",
        "email": "w***@example.com",
    }
)
class NotifyPrefsView(TypedDict):
    """A member's message preferences (null channel or locale: the program's); the e-mail
    address masked."""

    member_id: str
    opted_out: bool
    opted_out_kinds: list[str]
    channel: str | None
    locale: str | None
    email: str | None


@answer(example={"expires_at": "2027-01-01T00:00:00+08:00", "points": 120})
class ExpiringPoints(TypedDict):
    """Points that expire at a moment."""

    expires_at: Moment
    points: int


@answer(
    example={
        "member_id": "M3F2A9C01B7D4E6A0",
        "name": "王芳",
        "phone": "138****8000",
        "tier": "normal",
        "points": 1280,
        "expiring": [{"expires_at": "2027-01-01T00:00:00+08:00", "points": 120}],
    }
)
class MemberBalance(TypedDict):
    """A member's points as of the list's moment, expiry applied, and when they expire."""

    member_id: str
    name: str | None
    phone: str | None
    tier: str
    points: int
    expiring: list[ExpiringPoints]


@answer(
    example={
        "as_of": "2026-06-08T09:00:00+08:00",
        "more_than": None,
        "items": [],
        "next_after": None,
    }
)
class BalanceList(TypedDict):
    """Members' points as of a moment in member id order (with `more_than`: only members
    holding more); `next_after` asks for the next page."""

    as_of: Moment
    more_than: int | None
    items: list[MemberBalance]
    next_after: str | None
