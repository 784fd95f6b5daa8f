"""The stored-value ledger (储值): signed money entries and the queries over them.

`members.stored_value` is a projection of these entries, moved in the same transaction as each
entry is written; `bad_members` finds any member where the two disagree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, and_, func, insert, select, update

from ...domain.money import ZERO, money
from ...domain.records.rewards import StoredValueEntry, StoredValueMismatch
from ...domain.stored_value import Kind
from ..schema import members, stored_value_entries

sv = stored_value_entries


def _entry_of(row: Row[Any]) -> StoredValueEntry:
    return StoredValueEntry(**{**row._mapping, "kind": Kind(row.kind)})


class StoredValueRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    @staticmethod
    def _money(raw: Any) -> Decimal:
        # sum()/coalesce() of a MoneyFen column come back already converted to yuan.
        return money(raw) if raw is not None else ZERO

    def add(
        self,
        program_id: int,
        member_id: str,
        kind: Kind,
        amount: Decimal,
        at: datetime,
        now: datetime,
        ref: str,
        reason: str | None,
    ) -> int:
        """Appends an entry moving the balance by `amount` (signed) and moves the member's
        projection with it."""
        values = {
            "program_id": program_id,
            "member_id": member_id,
            "kind": kind.value,
            "amount": amount,
            "occurred_at": at,
            "recorded_at": now,
            "ref": ref,
            "reason": reason,
        }
        entry_id = int(
            self.conn.execute(insert(sv).values(**values).returning(sv.c.entry_id)).scalar_one()
        )
        self.conn.execute(
            update(members)
            .where(members.c.program_id == program_id, members.c.member_id == member_id)
            .values(stored_value=members.c.stored_value + amount)
        )
        return entry_id

    def by_ref(
        self, program_id: int, member_id: str, kind: Kind, ref: str
    ) -> StoredValueEntry | None:
        row = self.conn.execute(
            select(sv).where(
                sv.c.program_id == program_id,
                sv.c.member_id == member_id,
                sv.c.kind == kind.value,
                sv.c.ref == ref,
            )
        ).first()
        return None if row is None else _entry_of(row)

    def sum_of(self, program_id: int, member_id: str, kind: Kind, ref_prefix: str) -> Decimal:
        """The total of one member's entries of a kind whose ref starts with a prefix (the
        refunds of one receipt)."""
        raw = self.conn.execute(
            select(func.coalesce(func.sum(sv.c.amount), 0)).where(
                sv.c.program_id == program_id,
                sv.c.member_id == member_id,
                sv.c.kind == kind.value,
                sv.c.ref.startswith(ref_prefix, autoescape=True),
            )
        ).scalar_one()
        return self._money(raw)

    def balance_at(self, program_id: int, member_id: str, moment: datetime) -> Decimal:
        """The balance after every entry with occurred_at ≤ moment."""
        raw = self.conn.execute(
            select(func.coalesce(func.sum(sv.c.amount), 0)).where(
                sv.c.program_id == program_id,
                sv.c.member_id == member_id,
                sv.c.occurred_at <= moment,
            )
        ).scalar_one()
        return self._money(raw)

    def amounts_between(
        self, program_id: int, member_id: str, since: datetime, until: datetime | None
    ) -> list[Decimal]:
        """The amounts of entries in [since, until), in the order they happened."""
        query = select(sv.c.amount).where(
            sv.c.program_id == program_id,
            sv.c.member_id == member_id,
            sv.c.occurred_at >= since,
        )
        if until is not None:
            query = query.where(sv.c.occurred_at < until)
        rows = self.conn.execute(query.order_by(sv.c.occurred_at, sv.c.entry_id))
        return [r[0] for r in rows]

    def moves(self, program_id: int, member_id: str) -> list[tuple[datetime, Decimal]]:
        """Every entry's (occurred_at, amount), in the order they happened."""
        rows = self.conn.execute(
            select(sv.c.occurred_at, sv.c.amount)
            .where(sv.c.program_id == program_id, sv.c.member_id == member_id)
            .order_by(sv.c.occurred_at, sv.c.entry_id)
        )
        return [(r[0], r[1]) for r in rows]

    def refs(self, program_id: int, member_id: str, kind: Kind, prefix: str) -> set[str]:
        rows = self.conn.execute(
            select(sv.c.ref).where(
                sv.c.program_id == program_id,
                sv.c.member_id == member_id,
                sv.c.kind == kind.value,
                sv.c.ref.startswith(prefix, autoescape=True),
            )
        )
        return set(rows.scalars())

    def first_moment(self, program_id: int, member_id: str) -> datetime | None:
        result: datetime | None = self.conn.execute(
            select(func.min(sv.c.occurred_at)).where(
                sv.c.program_id == program_id, sv.c.member_id == member_id
            )
        ).scalar()
        return result

    def entries(self, program_id: int, member_id: str, limit: int = 200) -> list[StoredValueEntry]:
        rows = self.conn.execute(
            select(sv)
            .where(sv.c.program_id == program_id, sv.c.member_id == member_id)
            .order_by(sv.c.entry_id.desc())
            .limit(limit)
        )
        return [_entry_of(row) for row in rows]

    def holders_after(self, program_id: int, after: str | None, limit: int) -> list[str]:
        """Members with any stored-value entry, in id order after a cursor (for jobs)."""
        query = (
            select(sv.c.member_id)
            .where(sv.c.program_id == program_id)
            .group_by(sv.c.member_id)
            .order_by(sv.c.member_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(sv.c.member_id > after)
        return list(self.conn.execute(query).scalars())

    def bad_members(self, program_id: int | None = None) -> list[StoredValueMismatch]:
        """Members whose stored_value projection differs from the sum of their entries, or
        whose balance is negative."""
        sums = (
            select(sv.c.program_id, sv.c.member_id, func.sum(sv.c.amount).label("s"))
            .group_by(sv.c.program_id, sv.c.member_id)
            .subquery()
        )
        total = func.coalesce(sums.c.s, 0)
        query = select(
            members.c.program_id,
            members.c.member_id,
            members.c.stored_value,
            total.label("entries_sum"),
        ).select_from(
            members.outerjoin(
                sums,
                and_(
                    sums.c.program_id == members.c.program_id,
                    sums.c.member_id == members.c.member_id,
                ),
            )
        )
        # Compared in fen: both sides are integers in the database.
        query = query.where((members.c.stored_value != total) | (members.c.stored_value < 0))
        if program_id is not None:
            query = query.where(members.c.program_id == program_id)
        return [StoredValueMismatch(**row._mapping) for row in self.conn.execute(query)]
