"""A member, a card and a history entry as stored: what the member and card repositories
return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Member:
    program_id: int
    member_id: str
    status: str  # a MemberStatus value
    kind: str
    tier: str
    name: str | None
    phone_enc: str | None
    phone_hash: str | None
    phone_masked: str | None
    id_number_enc: str | None
    id_hash: str | None
    address_enc: str | None
    id_type: str | None
    birthday: str | None
    anniversary: str | None
    group_level: str | None
    is_staff: bool
    referrer_id: str | None
    guide_id: str | None
    guide_since: datetime | None
    store: str | None
    merchant: str | None
    joined_at: datetime
    valid_until: date | None
    customer_class: str | None
    attributes: dict[str, Any]
    points: int  # projection of the ledger, up to last_entry_id
    last_entry_id: int | None
    debt: int  # clawbacks not yet settled
    points_earned_total: int
    stored_value: Decimal
    carry: dict[str, Any]  # step-rule remainders carried to the next receipt
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Card:
    card_no: str
    program_id: int
    member_id: str
    status: str  # a CardStatus value
    pin_hash: str | None
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event in a member's history: joining, a tier change or kept year, a renewal, a
    status, profile or attribute change."""

    history_id: int
    program_id: int
    member_id: str
    kind: str
    detail: dict[str, Any]
    actor: str | None
    occurred_at: datetime
    recorded_at: datetime
