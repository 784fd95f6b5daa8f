"""Answers of the card actions, the card view, the audit log and the token list."""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import TypedDict

from ...domain.records.cards import Outcome
from ...domain.statuses import CardStatus
from . import Day, Moment, Money, answer

_CARD = "800000000000010"
# One card event: the example of the event alone and of the card view's history.
_EVENT = {
    "kind": "reported_lost",
    "channel": "phone",
    "new_card_no": None,
    "fee": None,
    "occurred_at": "2026-03-01T10:00:00+08:00",
    "actor": "cashier:till-1",
}


@answer(
    example={
        "card_no": _CARD,
        "status": "lost",
        "member_id": "M3F2A9C41D07B5E68",
        "reported_at": "2026-03-01T10:00:00+08:00",
        "reissue_until": "2026-03-08",
    }
)
class LossReported(TypedDict):
    """The card is reported lost from `reported_at` (the first report, when sent again); it may
    be reissued through `reissue_until` (null: no limit)."""

    card_no: str
    status: CardStatus
    member_id: str
    reported_at: Moment
    reissue_until: Day | None


@answer(
    example={
        "card_no": "800000000000028",
        "replaces": _CARD,
        "member_id": "M3F2A9C41D07B5E68",
        "points": 20,
        "stored_value": "500.00",
        "fee": "20.00",
    }
)
class NewCard(TypedDict):
    """The card that replaces `replaces` (reissued or exchanged): the member's points and
    stored value go with the member, so the new card carries them."""

    card_no: str
    replaces: str
    member_id: str
    points: int
    stored_value: Money
    fee: Money


@answer(example={"card_no": _CARD, "status": "cancelled"})
class CardCancelled(TypedDict):
    """The card is stopped for good; the member's account stays."""

    card_no: str
    status: CardStatus


@answer(example={"card_no": _CARD, "password_set": True})
class PasswordSet(TypedDict):
    """The card's password is set (or changed)."""

    card_no: str
    password_set: Literal[True]


@answer(example=_EVENT)
class CardEventView(TypedDict):
    """One thing that happened to a card: issued, reported_lost, reissued, exchanged,
    cancelled, password_set."""

    kind: str
    channel: str | None
    new_card_no: str | None
    fee: Money | None
    occurred_at: Moment
    actor: str | None


@answer(
    example={
        "card_no": _CARD,
        "member_id": "M3F2A9C41D07B5E68",
        "status": "lost",
        "issued_at": "2026-01-05T10:00:00+08:00",
        "password_set": True,
        "phone_channel_locked_until": None,
        "reissue_until": "2026-03-08",
        "events": [_EVENT],
    }
)
class CardView(TypedDict):
    """A card, its history, and whether its phone channel is locked by wrong passwords."""

    card_no: str
    member_id: str
    status: CardStatus
    issued_at: Moment
    password_set: bool
    phone_channel_locked_until: Moment | None
    reissue_until: Day | None
    events: list[CardEventView]


@answer(
    example={
        "audit_id": 42,
        "recorded_at": "2026-03-01T02:00:00+00:00",
        "occurred_at": "2026-03-01T02:00:00+00:00",
        "program": "wine_club",
        "action": "card.reported_lost",
        "outcome": "done",
        "actor": "cashier:till-1",
        "role": "cashier",
        "token_id": "a1b2c3d4",
        "member_id": "M3F2A9C41D07B5E68",
        "card_no": _CARD,
        "ref": None,
        "detail": {"channel": "phone"},
    }
)
class AuditEntryView(TypedDict):
    """One audited action: who (token, role) did what, to which member or card, when; the
    detail holds masked values only."""

    audit_id: int
    recorded_at: Moment
    occurred_at: Moment | None
    program: str | None
    action: str
    outcome: Outcome
    actor: str | None
    role: str | None
    token_id: str | None
    member_id: str | None
    card_no: str | None
    ref: str | None
    detail: dict[str, Any]


@answer(example={"items": [], "next_before": None})
class AuditPage(TypedDict):
    """Audit rows, newest first; `next_before` (when the page is full) asks for the next page."""

    items: list[AuditEntryView]
    next_before: int | None


class TokenView(TypedDict):
    """An API token without its secret."""

    token_id: str
    name: str
    role: str
    created_at: Moment
    revoked_at: Moment | None
