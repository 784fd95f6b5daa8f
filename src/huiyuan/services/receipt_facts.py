"""What working out a receipt reads besides the member's own row: spend and points already
recorded, and other members (the referrer).

The till reads them from the database as it stands. An import works out a whole batch before
writing any of it, so it reads through a subclass that adds the receipts worked out but not yet
written (services/import_batch.py); both give the same numbers for the same history.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ..store.uow import UnitOfWork


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

    def member(self, member_id: str) -> Any | None:
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
