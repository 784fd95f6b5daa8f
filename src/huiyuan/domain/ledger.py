"""The points ledger's rules: lots, soonest-expiry-first allocation, debt and reconciliation.

Entries are append-only. Every positive entry creates a lot; every negative entry draws from
lots — recorded as allocations, or for expiry on the lots it sweeps (their expired points and
the moment) — except the part of a clawback that finds its points already spent, which is a
debt that later earnings settle first. Hence, for every member:

    balance = sum(entry points) = sum(lot remainders) - outstanding debt
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class EntryKind(StrEnum):
    EARN = "earn"
    BONUS = "bonus"  # fixed awards: check-in, review, referral
    TRANSFER_IN = "transfer_in"
    ADJUST_IN = "adjust_in"
    REDEEM = "redeem"
    OFFSET = "offset"
    EXPIRE = "expire"
    TRANSFER_OUT = "transfer_out"
    CLAWBACK = "clawback"
    ADJUST_OUT = "adjust_out"


class InsufficientPoints(Exception):
    def __init__(self, wanted: int, available: int):
        super().__init__(f"wanted {wanted} points, {available} available")
        self.wanted = wanted
        self.available = available


@dataclass(frozen=True)
class LotView:
    lot_id: int
    remaining: int
    earned_at: datetime
    expires_at: datetime | None

    def usable_at(self, moment: datetime) -> bool:
        """Held and unexpired at `moment`: a posting dated before a lot was earned (a till
        syncing late) cannot spend it, so balances as of any moment stay consistent."""
        return (
            self.remaining > 0
            and self.earned_at <= moment
            and (self.expires_at is None or self.expires_at > moment)
        )


def allocation_order(lot: LotView) -> tuple[int, datetime, datetime, int]:
    """Soonest expiry first; lots that never expire last; then oldest, then by id."""
    never = lot.expires_at is None
    far = lot.earned_at if never else lot.expires_at
    assert far is not None
    return (1 if never else 0, far, lot.earned_at, lot.lot_id)


def usable(
    lots: list[LotView], moment: datetime, earned_before: datetime | None = None
) -> list[LotView]:
    """The lots that can be drawn at `moment`; `earned_before` keeps only points earned before
    it (an offset may only use points earned before the receipt it pays)."""
    return [
        lot
        for lot in lots
        if lot.usable_at(moment) and (earned_before is None or lot.earned_at < earned_before)
    ]


def available(lots: list[LotView], moment: datetime, earned_before: datetime | None = None) -> int:
    return sum(lot.remaining for lot in usable(lots, moment, earned_before))


def allocate(
    lots: list[LotView],
    points: int,
    moment: datetime,
    earned_before: datetime | None = None,
) -> list[tuple[int, int]]:
    """Draw `points` from usable lots (see `usable`), soonest expiry first:
    [(lot_id, points), ...]."""
    if points <= 0:
        return []
    drawable = usable(lots, moment, earned_before)
    total = sum(lot.remaining for lot in drawable)
    if total < points:
        raise InsufficientPoints(points, total)
    out: list[tuple[int, int]] = []
    left = points
    for lot in sorted(drawable, key=allocation_order):
        take = min(lot.remaining, left)
        out.append((lot.lot_id, take))
        left -= take
        if left == 0:
            break
    return out


def settle_debt(earned: int, debt: int) -> int:
    """How much of a new lot settles outstanding debt first."""
    return min(max(earned, 0), max(debt, 0))
