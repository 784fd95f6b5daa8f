"""What working out a receipt reads: the member's own columns (`MemberView`), spend and points
already recorded, and other members (the referrer).

The till reads them from the database as it stands. An import works out a whole batch before
writing any of it, so it reads through a subclass that adds the receipts worked out but not yet
written (services/import_batch.py); both give the same numbers for the same history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from ..store.uow import UnitOfWork


class MemberView(Protocol):
    """The member's columns a receipt reads: a stored `Member`, or the import batch's member
    as its held receipts have moved it."""

    @property
    def member_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def birthday(self) -> str | None: ...
    @property
    def anniversary(self) -> str | None: ...
    @property
    def group_level(self) -> str | None: ...
    @property
    def customer_class(self) -> str | None: ...
    @property
    def joined_at(self) -> datetime: ...
    @property
    def valid_until(self) -> date | None: ...
    @property
    def referrer_id(self) -> str | None: ...
    @property
    def guide_id(self) -> str | None: ...
    @property
    def points(self) -> int: ...
    @property
    def debt(self) -> int: ...
    @property
    def points_earned_total(self) -> int: ...
    @property
    def carry(self) -> dict[str, Any]: ...


class Facts:
    def __init__(self, uow: UnitOfWork, program_id: int):
        self.uow = uow
        self.program_id = program_id

    def spend(
        self, member_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> tuple[Decimal, int]:
        """Net paid money and the number of receipts in [since, until)."""
        return self.uow.receipts.spend(self.program_id, member_id, since, until)

    def category_points(self, member_id: str, since: datetime, until: datetime) -> dict[str, int]:
        """Points earned (net of returns) per category by receipts in [since, until)."""
        return self.uow.receipts.category_points(self.program_id, member_id, since, until)

    def receipt_count(self, member_id: str) -> int:
        return self.uow.receipts.count(self.program_id, member_id)

    def member(self, member_id: str) -> MemberView | None:
        return self.uow.members.get(self.program_id, member_id)


class MemberSpend:
    """One member's recorded receipts as the tier metrics read them (`domain.metrics.Spend`):
    each window read once (a window's spend and its order count are one read)."""

    __slots__ = ("_read", "facts", "member_id")

    def __init__(self, facts: Facts, member_id: str):
        self.facts = facts
        self.member_id = member_id
        self._read: dict[tuple[datetime | None, datetime | None], tuple[Decimal, int]] = {}

    def spend(self, since: datetime | None, until: datetime | None) -> tuple[Decimal, int]:
        window = (since, until)
        if window not in self._read:
            self._read[window] = self.facts.spend(self.member_id, since, until)
        return self._read[window]
