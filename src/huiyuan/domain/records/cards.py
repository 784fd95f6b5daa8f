"""What happens to cards, and who did what: card events, the wrong-password guard, the audit log
and API tokens as stored (the card itself is `records.members.Card`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

# What became of an action in the audit log: done, or refused (wrong credentials, a role).
Outcome = Literal["done", "refused"]


class CardEventKind(StrEnum):
    ISSUED = "issued"
    REPORTED_LOST = "reported_lost"
    REISSUED = "reissued"
    EXCHANGED = "exchanged"
    CANCELLED = "cancelled"
    PASSWORD_SET = "password_set"


@dataclass(frozen=True, slots=True)
class CardEvent:
    event_id: int
    program_id: int
    member_id: str
    card_no: str
    kind: str  # a CardEventKind value
    channel: str | None  # loss reports: a LossChannel value
    new_card_no: str | None  # reissued, exchanged: the card that replaces this one
    fee: Decimal | None
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None


@dataclass(frozen=True, slots=True)
class PinGuard:
    """Wrong card passwords in a row, and until when the card's phone channel is locked."""

    program_id: int
    card_no: str
    failures: int
    last_failed_at: datetime | None
    locked_until: datetime | None

    def locked_at(self, now: datetime) -> datetime | None:
        """Until when the card is locked, if it is at `now`."""
        if self.locked_until is not None and now < self.locked_until:
            return self.locked_until
        return None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    audit_id: int
    recorded_at: datetime
    occurred_at: datetime | None
    program_id: int | None
    action: str
    outcome: Outcome
    actor: str | None
    role: str | None
    token_id: str | None
    member_id: str | None
    card_no: str | None
    ref: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which audit rows to read: every given filter must hold; newest first, `limit` of them
    with an `audit_id` below `before` (the page after the one that ended there)."""

    program_id: int | None = None
    action: str | None = None  # ending in ".": every action under it ("card.")
    member_id: str | None = None
    card_no: str | None = None
    role: str | None = None
    outcome: Outcome | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class Token:
    """An API token: its secret is stored only as a digest."""

    token_id: str
    name: str
    role: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None
