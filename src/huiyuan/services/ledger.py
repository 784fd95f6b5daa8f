"""Posting to the points ledger: credits, debits, clawbacks and expiry.

Every function here runs inside the caller's unit of work with the member already locked; it
appends entries, creates or draws lots, records the allocations and moves the member's balance
projection in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.ledger import EntryKind, InsufficientPoints, LotView, allocate, allocation_order
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
    settled = 0
    left = points
    # The debt projection is checked first: the per-clawback query is only needed when owed.
    owing = (debt if debt is not None else uow.ledger.member_debt(p.program_id, p.member_id)) > 0
    for claw_id, owed in uow.ledger.unsettled_debts(p.program_id, p.member_id) if owing else []:
        if left == 0:
            break
        take = min(owed, left)
        _draw(uow, p, claw_id, [(lot_id, take)])
        left -= take
        settled += take
    _move(uow, p, entry_id, points, debt=-settled, earned=points if counts_as_earned else 0)
    return entry_id


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
    drawn: list[tuple[int, int]] = []
    left = points
    source = uow.ledger.lot_of_entry(source_entry_id) if source_entry_id else None
    # The source lot is drawn only while it is usable: a lot past its expiry is gone whether
    # or not the expire job has swept it yet, so the outcome never depends on the job's timing.
    if source is not None and source.usable_at(p.occurred_at):
        take = min(source.remaining, left)
        drawn.append((source.lot_id, take))
        left -= take
    if left > 0:
        others: list[LotView] = [
            lot
            for lot in uow.ledger.open_lots(p.program_id, p.member_id)
            if lot.usable_at(p.occurred_at) and (source is None or lot.lot_id != source.lot_id)
        ]
        for lot in sorted(others, key=allocation_order):
            take = min(lot.remaining, left)
            drawn.append((lot.lot_id, take))
            left -= take
            if left == 0:
                break
    entry_id = _entry(uow, p, EntryKind.CLAWBACK, -points)
    _draw(uow, p, entry_id, drawn)
    _move(uow, p, entry_id, -points, debt=left, earned=-points)
    return entry_id


def expire(uow: UnitOfWork, p: Posting) -> int:
    """Writes one expiry entry for all of a member's lots expired by `p.occurred_at`; the lots
    record what they lost and when (as the job's set-based sweep does, one model for both)."""
    lots = uow.ledger.expired_lots(p.program_id, p.member_id, p.occurred_at)
    total = sum(lot.remaining for lot in lots)
    if total == 0:
        return 0
    entry_id = _entry(uow, p, EntryKind.EXPIRE, -total)
    uow.ledger.sweep([lot.lot_id for lot in lots], p.occurred_at)
    _move(uow, p, entry_id, -total)
    return total


def expire_members(
    uow: UnitOfWork, program_id: int, member_ids: list[str], as_of: datetime, now: datetime
) -> tuple[int, int]:
    """The same as `expire` for many members at once, set-based: one entry per member with
    expired points, the lots emptied with their expiry recorded on them, the balances moved;
    (members, points) expired.

    `member_ids` ends a run of members in id order as the job's pick gives them (the first
    and the last of the members after the cursor, up to the chunk size): the members from
    the first to the last are expired together, in a few statements whatever their number."""
    if not member_ids:
        return 0, 0
    first, last = member_ids[0], member_ids[-1]
    if uow.locks_rows:
        uow.ledger.lock_member_range(program_id, first, last)
    ref = f"expiry:{as_of.isoformat()}"
    return uow.ledger.expire_range(program_id, first, last, as_of, now, ref)


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
