"""Who may be due a reminder or a care message, and what the notice jobs read per member."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, func, select, union

from ...domain.records.notify import TierChange
from ...domain.reminders import Candidates
from ..schema import lots as lots_t
from ..schema import member_history, members, receipts


class NoticeRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def pick(self, program_id: int, wanted: Candidates, after: str | None, limit: int) -> list[str]:
        """Distinct ids of the members in any group `wanted` names, in id order after a
        cursor."""
        selects = _selects(program_id, wanted)
        if not selects:
            return []
        both = union(*selects).subquery()
        query = select(both.c.member_id).order_by(both.c.member_id).limit(limit)
        if after is not None:
            query = query.where(both.c.member_id > after)
        return list(self.conn.execute(query).scalars())

    def tier_changes(
        self, program_id: int, member_id: str, after: datetime, upto: datetime
    ) -> list[TierChange]:
        rows = self.conn.execute(
            select(
                member_history.c.history_id,
                member_history.c.member_id,
                member_history.c.detail,
                member_history.c.occurred_at,
            )
            .where(
                member_history.c.program_id == program_id,
                member_history.c.member_id == member_id,
                member_history.c.kind == "tier_changed",
                member_history.c.occurred_at > after,
                member_history.c.occurred_at <= upto,
            )
            .order_by(member_history.c.history_id)
        )
        return [TierChange(*row) for row in rows]

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


def _selects(program_id: int, wanted: Candidates) -> list[Select[Any]]:
    """One SELECT of member ids per group `wanted` names."""
    selects = [_spend_at_least(program_id, amount) for amount in wanted.spend_at_least]
    selects += [
        select(members.c.member_id).where(
            members.c.program_id == program_id, members.c.points_earned_total >= points
        )
        for points in wanted.points_earned_at_least
    ]
    if wanted.expiring is not None:
        selects.append(_expiring_between(program_id, *wanted.expiring))
    if wanted.tier_changed is not None:
        after, upto = wanted.tier_changed
        selects.append(
            select(member_history.c.member_id).where(
                member_history.c.program_id == program_id,
                member_history.c.kind == "tier_changed",
                member_history.c.occurred_at > after,
                member_history.c.occurred_at <= upto,
            )
        )
    if wanted.points_at_least is not None:
        selects.append(
            select(members.c.member_id).where(
                members.c.program_id == program_id, members.c.points >= wanted.points_at_least
            )
        )
    if wanted.everyone:
        selects.append(select(members.c.member_id).where(members.c.program_id == program_id))
    return selects


def _expiring_between(program_id: int, after: datetime, upto: datetime) -> Select[Any]:
    """Members holding points alive at `after` that expire by `upto`."""
    return select(lots_t.c.member_id).where(
        lots_t.c.program_id == program_id,
        lots_t.c.remaining > 0,
        lots_t.c.earned_at <= after,
        lots_t.c.expires_at > after,
        lots_t.c.expires_at <= upto,
    )


def _spend_at_least(program_id: int, amount: Decimal) -> Select[Any]:
    return (
        select(receipts.c.member_id)
        .where(receipts.c.program_id == program_id)
        .group_by(receipts.c.member_id)
        .having(func.sum(receipts.c.paid_net) >= amount)
    )
