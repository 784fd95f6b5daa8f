"""Posting to the points ledger: credits, debits and clawbacks; balances as of a moment.

Every posting runs inside the caller's unit of work with the member already locked; it appends
entries, creates or draws lots, records the allocations and moves the member's balance
projection in the same transaction. Expiry is the expire job's (jobs/expire_points.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.ledger import (
    EntryKind,
    InsufficientPoints,
    LotView,
    allocate,
    available,
    settle_debt,
)
from ..errors import Invalid
from ..store.uow import UnitOfWork


@dataclass(frozen=True)
class Posting:
    program_id: int
    member_id: str
    occurred_at: datetime
    recorded_at: datetime
    ref: str | None = None
    reason: str | None = None
    correlation_id: str | None = None


def entry_values(p: Posting, kind: EntryKind, points: int) -> dict[str, Any]:
    """An entry's row (imports write many at once: import_batch.py)."""
    return {
        "program_id": p.program_id,
        "member_id": p.member_id,
        "kind": kind.value,
        "points": points,
        "occurred_at": p.occurred_at,
        "recorded_at": p.recorded_at,
        "ref": p.ref,
        "reason": p.reason,
        "correlation_id": p.correlation_id,
    }


def lot_values(
    p: Posting, entry_id: int | None, points: int, expires_at: datetime | None
) -> dict[str, Any]:
    """The lot a credit makes, all of it still to spend."""
    return {
        "program_id": p.program_id,
        "member_id": p.member_id,
        "entry_id": entry_id,
        "points": points,
        "remaining": points,
        "earned_at": p.occurred_at,
        "expires_at": expires_at,
    }


def _entry(uow: UnitOfWork, p: Posting, kind: EntryKind, points: int) -> int:
    return uow.ledger.add_entry(entry_values(p, kind, points))


def _move(
    uow: UnitOfWork, p: Posting, entry_id: int, points: int, debt: int = 0, earned: int = 0
) -> None:
    uow.ledger.move_member(p.program_id, p.member_id, points, debt, earned, entry_id)


def _draw(uow: UnitOfWork, p: Posting, entry_id: int, drawn: list[tuple[int, int]]) -> None:
    uow.ledger.add_allocations(
        [
            {
                "program_id": p.program_id,
                "member_id": p.member_id,
                "entry_id": entry_id,
                "lot_id": lot_id,
                "points": n,
                "occurred_at": p.occurred_at,
            }
            for lot_id, n in drawn
        ]
    )
    for lot_id, n in drawn:
        uow.ledger.draw(lot_id, n)


def credit(
    uow: UnitOfWork,
    p: Posting,
    points: int,
    expires_at: datetime | None,
    kind: EntryKind = EntryKind.EARN,
    counts_as_earned: bool = True,
    debt: int | None = None,
) -> int:
    """Adds points as a new lot; outstanding debt is settled from it first. A caller that has
    just read the member under its lock passes its `debt`, saving the look-up."""
    if points <= 0:
        raise ValueError("a credit is positive")
    entry_id = _entry(uow, p, kind, points)
    lot_id = uow.ledger.add_lot(lot_values(p, entry_id, points, expires_at))
    owed = debt if debt is not None else uow.ledger.member_debt(p.program_id, p.member_id)
    settled = settle_debt(points, owed)
    if settled:  # the per-clawback query only for a member who owes points
        _settle(uow, p, lot_id, settled)
    _move(uow, p, entry_id, points, debt=-settled, earned=points if counts_as_earned else 0)
    return entry_id


def _settle(uow: UnitOfWork, p: Posting, lot_id: int, points: int) -> None:
    """Pays `points` of debt from a new lot, oldest clawback first: each payment is an
    allocation of the clawback on the lot."""
    left = points
    for claw_id, owed in uow.ledger.unsettled_debts(p.program_id, p.member_id):
        take = min(owed, left)
        _draw(uow, p, claw_id, [(lot_id, take)])
        left -= take
        if left == 0:
            break


def debit(
    uow: UnitOfWork,
    p: Posting,
    points: int,
    kind: EntryKind,
    earned_before: datetime | None = None,
) -> int:
    """Spends points from usable lots, soonest expiry first; refuses more than is available."""
    if points <= 0:
        raise ValueError("a debit is positive")
    lots = uow.ledger.open_lots(p.program_id, p.member_id)
    try:
        drawn = allocate(lots, points, p.occurred_at, earned_before)
    except InsufficientPoints as exc:
        raise Invalid(
            f"积分不足：需要 {exc.wanted}，可用 {exc.available} / not enough points: "
            f"{exc.wanted} wanted, {exc.available} available",
            code="insufficient_points",
            wanted=exc.wanted,
            available=exc.available,
        ) from None
    entry_id = _entry(uow, p, kind, -points)
    _draw(uow, p, entry_id, drawn)
    _move(uow, p, entry_id, -points)
    return entry_id


def drawn_expiry(uow: UnitOfWork, entry_id: int) -> datetime | None:
    """The soonest expiry among the lots an entry drew: moved points keep their deadline."""
    return uow.ledger.soonest_expiry_drawn(entry_id)


def clawback(uow: UnitOfWork, p: Posting, points: int, source_entry_id: int | None) -> int:
    """Takes back earned points: from the lot they made, then from other usable lots; what is
    already spent becomes a debt that later earnings settle."""
    if points <= 0:
        raise ValueError("a clawback is positive")
    source = _usable_source(uow, p, source_entry_id)
    drawn = [] if source is None else [(source.lot_id, min(source.remaining, points))]
    left = points - sum(n for _, n in drawn)
    if left > 0:
        drawn += _cover(uow, p, left, skip=source.lot_id if source else None)
    debt = points - sum(n for _, n in drawn)
    entry_id = _entry(uow, p, EntryKind.CLAWBACK, -points)
    _draw(uow, p, entry_id, drawn)
    _move(uow, p, entry_id, -points, debt=debt, earned=-points)
    return entry_id


def _usable_source(uow: UnitOfWork, p: Posting, entry_id: int | None) -> LotView | None:
    """The lot an earning made, only while it is usable: a lot past its expiry is gone whether
    or not the expire job has swept it yet, so the outcome never depends on the job's timing."""
    lot = uow.ledger.lot_of_entry(entry_id) if entry_id else None
    return lot if lot is not None and lot.usable_at(p.occurred_at) else None


def _cover(uow: UnitOfWork, p: Posting, points: int, skip: int | None) -> list[tuple[int, int]]:
    """As much of `points` as the member's usable lots but `skip` hold, soonest expiry first;
    the rest is already spent."""
    lots = [lot for lot in uow.ledger.open_lots(p.program_id, p.member_id) if lot.lot_id != skip]
    return allocate(lots, min(points, available(lots, p.occurred_at)), p.occurred_at)


@dataclass(frozen=True)
class BalanceAsOf:
    points: int
    expiring: list[tuple[datetime, int]]


def balance_as_of(uow: UnitOfWork, program_id: int, member_id: str, as_of: datetime) -> BalanceAsOf:
    """Entries with occurred_at ≤ as_of, with expiry applied as of as_of (job run or not)."""
    latest, debt, groups = uow.ledger.holdings(program_id, member_id, as_of)
    if latest is not None and latest > as_of:
        # A past moment: the projections already hold later entries, so the lots alive then
        # are summed from their allocations up to as_of instead.
        groups = uow.ledger.alive_by_expiry(program_id, member_id, as_of)
        debt = uow.ledger.debt_as_of(program_id, member_id, as_of)
    # Otherwise (the till asking about now) every lot, allocation and sweep is at or before
    # as_of, so a lot's `remaining` and the member's `debt` are their values at as_of: one
    # small read, however many lots and allocations the member has.
    total = sum(n for _, n in groups) - debt
    expiring = sorted((when, n) for when, n in groups if when is not None and n > 0)
    return BalanceAsOf(total, expiring)
