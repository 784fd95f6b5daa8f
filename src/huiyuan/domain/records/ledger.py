"""Ledger entries as stored, and what reconciliation finds wrong with lots, entries, expiries
and members: what the ledger repository returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Entry:
    entry_id: int
    program_id: int
    member_id: str
    kind: str  # an EntryKind value
    points: int
    occurred_at: datetime
    recorded_at: datetime
    ref: str | None
    reason: str | None
    correlation_id: str | None


@dataclass(frozen=True, slots=True)
class LotMismatch:
    """A lot whose remainder is not its points less what was drawn and expired from it, or
    whose expiry record is incomplete or early."""

    lot_id: int
    member_id: str
    points: int
    remaining: int
    expected: int
    expired_points: int | None
    swept_at: datetime | None


@dataclass(frozen=True, slots=True)
class EntryMismatch:
    """A negative entry whose allocations do not cover it (a clawback: exceed it)."""

    entry_id: int
    member_id: str
    kind: str
    points: int
    drawn: int


@dataclass(frozen=True, slots=True)
class ExpiryMismatch:
    """A member's `expire` entries at a moment against what the lots lost then."""

    program_id: int
    member_id: str
    at: datetime
    expired: int
    taken: int


@dataclass(frozen=True, slots=True)
class MemberMismatch:
    """A member whose balance or debt projection disagrees with their entries and lots."""

    program_id: int
    member_id: str
    points: int
    debt: int
    entries_sum: int
    lots_sum: int
    clawback_debt: int
