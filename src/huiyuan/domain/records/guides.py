"""Guides, who owns which member, service tasks, and the rows of the monthly VIP report: what
the guide repository returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Guide:
    program_id: int
    guide_id: str
    name: str
    store: str | None
    merchant: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OwnershipChange:
    change_id: int
    program_id: int
    member_id: str
    from_guide: str | None  # none: the company pool
    to_guide: str | None  # none: the company pool
    reason: str  # opened, reclaimed, dealt, manual
    occurred_at: datetime
    ref: str | None  # the job run that made it


@dataclass(frozen=True, slots=True)
class Owned:
    """An owned member with what decides when the ownership lapses."""

    member_id: str
    guide_id: str
    guide_since: datetime | None
    last_purchase: datetime | None


@dataclass(frozen=True, slots=True)
class ServiceTask:
    task_id: int
    program_id: int
    member_id: str
    guide_id: str | None
    kind: str
    source: str  # what made it; unique per program, so a plan run twice adds nothing
    detail: dict[str, Any]
    due_at: datetime
    status: str  # a TaskStatus value (open, done)
    note: str | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewTask:
    """A task to add: the columns the caller decides (the store numbers it)."""

    program_id: int
    member_id: str
    guide_id: str | None
    kind: str
    source: str
    detail: dict[str, Any]
    due_at: datetime
    status: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Joined:
    """A member who joined in a report's month, with where they count."""

    member_id: str
    guide_id: str | None
    store: str | None
    merchant: str | None


@dataclass(frozen=True, slots=True)
class Sale:
    """A receipt of a report's month, with where it counts."""

    receipt_no: str
    member_id: str
    guide_id: str | None
    store: str | None
    merchant: str | None
    paid_net: Decimal
    points_earned: int


@dataclass(frozen=True, slots=True)
class TierMove:
    member_id: str
    detail: dict[str, Any]
