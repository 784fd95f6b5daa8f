"""Who may be due a reminder or a care message: candidate queries for the notice jobs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select, union

from ..schema import lots as lots_t
from ..schema import member_history, members, metadata, receipts


class NoticeQueries:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- candidates (each a SELECT of member ids; the job unions those it needs)

    @staticmethod
    def expiring_between(program_id: int, after: datetime, upto: datetime) -> Select[Any]:
        return select(lots_t.c.member_id).where(
            lots_t.c.program_id == program_id,
            lots_t.c.remaining > 0,
            lots_t.c.earned_at <= after,
            lots_t.c.expires_at > after,
            lots_t.c.expires_at <= upto,
        )

    @staticmethod
    def tier_changed_between(program_id: int, after: datetime, upto: datetime) -> Select[Any]:
        return select(member_history.c.member_id).where(
            member_history.c.program_id == program_id,
            member_history.c.kind == "tier_changed",
            member_history.c.occurred_at > after,
            member_history.c.occurred_at <= upto,
        )

    @staticmethod
    def points_earned_at_least(program_id: int, points: int) -> Select[Any]:
        return select(members.c.member_id).where(
            members.c.program_id == program_id, members.c.points_earned_total >= points
        )

    @staticmethod
    def spend_at_least(program_id: int, amount: Decimal) -> Select[Any]:
        return (
            select(receipts.c.member_id)
            .where(receipts.c.program_id == program_id)
            .group_by(receipts.c.member_id)
            .having(func.sum(receipts.c.paid_net) >= amount)
        )

    @staticmethod
    def points_at_least(program_id: int, points: int) -> Select[Any]:
        return select(members.c.member_id).where(
            members.c.program_id == program_id, members.c.points >= points
        )

    @staticmethod
    def everyone(program_id: int) -> Select[Any]:
        return select(members.c.member_id).where(members.c.program_id == program_id)

    def pick(self, selects: list[Select[Any]], after: str | None, limit: int) -> list[str]:
        """Distinct member ids from the union of `selects`, in id order after a cursor."""
        if not selects:
            return []
        both = union(*selects).subquery()
        query = select(both.c.member_id).order_by(both.c.member_id).limit(limit)
        if after is not None:
            query = query.where(both.c.member_id > after)
        return list(self.conn.execute(query).scalars())

    # -- per member

    def tier_changes(
        self, program_id: int, member_id: str, after: datetime, upto: datetime
    ) -> list[Row[Any]]:
        return list(
            self.conn.execute(
                select(member_history)
                .where(
                    member_history.c.program_id == program_id,
                    member_history.c.member_id == member_id,
                    member_history.c.kind == "tier_changed",
                    member_history.c.occurred_at > after,
                    member_history.c.occurred_at <= upto,
                )
                .order_by(member_history.c.history_id)
            )
        )

    def spend(self, program_id: int, member_id: str, upto: datetime) -> Decimal:
        total = self.conn.execute(
            select(func.coalesce(func.sum(receipts.c.paid_net), 0)).where(
                receipts.c.program_id == program_id,
                receipts.c.member_id == member_id,
                receipts.c.occurred_at <= upto,
            )
        ).scalar_one()
        return Decimal(total) if not isinstance(total, Decimal) else total

    def last_visit(self, program_id: int, member_id: str, upto: datetime) -> datetime | None:
        result: datetime | None = self.conn.execute(
            select(func.max(receipts.c.occurred_at)).where(
                receipts.c.program_id == program_id,
                receipts.c.member_id == member_id,
                receipts.c.occurred_at <= upto,
            )
        ).scalar()
        return result

    def guide(self, program_id: int, guide_id: str) -> tuple[str, str | None] | None:
        """(name, store) of a guide, where the guides table exists (issue 8)."""
        guides = metadata.tables.get("guides")
        if guides is None:
            return None
        row = self.conn.execute(
            select(guides.c.name, guides.c.store).where(
                guides.c.program_id == program_id, guides.c.guide_id == guide_id
            )
        ).first()
        return None if row is None else (row[0], row[1])
