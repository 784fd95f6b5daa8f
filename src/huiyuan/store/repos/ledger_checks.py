"""Reconciliation queries: where lots, entries, expiries or balance projections disagree with
what the ledger's rows add up to (`huiyuan verify`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Connection, and_, func, literal, select, union_all

from ...domain.ledger import EntryKind
from ...domain.records.ledger import EntryMismatch, ExpiryMismatch, LotMismatch, MemberMismatch
from ..schema import allocations, ledger_entries, lots, members

_IS_CLAWBACK = ledger_entries.c.kind == EntryKind.CLAWBACK.value
_IS_EXPIRE = ledger_entries.c.kind == EntryKind.EXPIRE.value


def _drawn_by(column: Any) -> Any:
    """The points allocations drew, summed per `column` (a lot or an entry)."""
    return select(column, func.sum(allocations.c.points).label("drawn")).group_by(column).subquery()


class Reconciliation:
    """The checks `huiyuan verify` runs; each finds nothing on a sound ledger."""

    conn: Connection

    def bad_lots(self, program_id: int | None = None) -> list[LotMismatch]:
        drawn = _drawn_by(allocations.c.lot_id)
        expected = (
            lots.c.points
            - func.coalesce(drawn.c.drawn, 0)
            - func.coalesce(lots.c.expired_points, 0)
        )
        swept = lots.c.swept_at.is_not(None)
        query = (
            select(
                lots.c.lot_id,
                lots.c.member_id,
                lots.c.points,
                lots.c.remaining,
                expected.label("expected"),
                lots.c.expired_points,
                lots.c.swept_at,
            )
            .select_from(lots.outerjoin(drawn, drawn.c.lot_id == lots.c.lot_id))
            .where(
                (lots.c.remaining != expected)
                | (lots.c.remaining < 0)
                | (lots.c.remaining > lots.c.points)
                # Expiry on the lot: both values or neither, a positive amount, and never
                # swept before its deadline (nor without one).
                | (swept != lots.c.expired_points.is_not(None))
                | (lots.c.expired_points <= 0)
                | (swept & (lots.c.expires_at.is_(None) | (lots.c.swept_at < lots.c.expires_at)))
            )
        )
        if program_id is not None:
            query = query.where(lots.c.program_id == program_id)
        return [
            LotMismatch(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), r[5], r[6])
            for r in self.conn.execute(query)
        ]

    def bad_entries(self, program_id: int | None = None) -> list[EntryMismatch]:
        drawn = _drawn_by(allocations.c.entry_id)
        got = func.coalesce(drawn.c.drawn, 0)
        points = ledger_entries.c.points
        query = (
            select(
                ledger_entries.c.entry_id,
                ledger_entries.c.member_id,
                ledger_entries.c.kind,
                points,
                got.label("drawn"),
            )
            .select_from(
                ledger_entries.outerjoin(drawn, drawn.c.entry_id == ledger_entries.c.entry_id)
            )
            .where(
                # Only a clawback may leave part of itself unallocated (a debt); every other
                # negative entry is covered by what it drew.
                ((points < 0) & ~_IS_CLAWBACK & ~_IS_EXPIRE & (got != -points))
                # What an expiry took is checked per member and moment: `bad_expiries`.
                | (_IS_EXPIRE & (points >= 0))
                | (_IS_CLAWBACK & ((got > -points) | (got < 0)))
            )
        )
        if program_id is not None:
            query = query.where(ledger_entries.c.program_id == program_id)
        return [
            EntryMismatch(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in self.conn.execute(query)
        ]

    def bad_expiries(self, program_id: int | None = None) -> list[ExpiryMismatch]:
        """Wherever the `expire` entries of a member at a moment (expired: minus their points)
        differ from what was taken from the lots then: recorded on the lots swept at that
        moment, or (expiries written before lots recorded their own) the allocations of those
        entries."""
        e = ledger_entries
        none = literal(0, BigInteger())
        entries_part = select(
            e.c.program_id.label("program_id"),
            e.c.member_id.label("member_id"),
            e.c.occurred_at.label("at"),
            (-e.c.points).label("expired"),
            none.label("taken"),
        ).where(_IS_EXPIRE)
        allocations_part = (
            select(
                allocations.c.program_id,
                allocations.c.member_id,
                e.c.occurred_at,
                none,
                allocations.c.points,
            )
            .select_from(allocations.join(e, e.c.entry_id == allocations.c.entry_id))
            .where(_IS_EXPIRE)
        )
        lots_part = select(
            lots.c.program_id, lots.c.member_id, lots.c.swept_at, none, lots.c.expired_points
        ).where(lots.c.swept_at.is_not(None))
        if program_id is not None:
            entries_part = entries_part.where(e.c.program_id == program_id)
            allocations_part = allocations_part.where(allocations.c.program_id == program_id)
            lots_part = lots_part.where(lots.c.program_id == program_id)
        u = union_all(entries_part, allocations_part, lots_part).subquery()
        expired, taken = func.sum(u.c.expired), func.sum(u.c.taken)
        rows = self.conn.execute(
            select(u.c.program_id, u.c.member_id, u.c.at, expired, taken)
            .group_by(u.c.program_id, u.c.member_id, u.c.at)
            .having(expired != taken)
        )
        return [ExpiryMismatch(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in rows]

    def bad_members(self, program_id: int | None = None) -> list[MemberMismatch]:
        """Members whose cached balance or debt disagrees with their entries and lots."""
        e = ledger_entries
        entry_sum = _sum_per_member(e, e.c.points)
        lot_sum = _sum_per_member(lots, lots.c.remaining)
        claw = _sum_per_member(e, -e.c.points, _IS_CLAWBACK)
        claw_paid = _sum_per_member(
            allocations,
            allocations.c.points,
            allocations.c.entry_id.in_(select(e.c.entry_id).where(_IS_CLAWBACK)),
        )
        es = func.coalesce(entry_sum.c.s, 0)
        ls = func.coalesce(lot_sum.c.s, 0)
        debt = func.coalesce(claw.c.s, 0) - func.coalesce(claw_paid.c.s, 0)
        query = (
            select(
                members.c.program_id,
                members.c.member_id,
                members.c.points,
                members.c.debt,
                es,
                ls,
                debt,
            )
            .select_from(
                members.outerjoin(entry_sum, _of_member(entry_sum))
                .outerjoin(lot_sum, _of_member(lot_sum))
                .outerjoin(claw, _of_member(claw))
                .outerjoin(claw_paid, _of_member(claw_paid))
            )
            .where((members.c.points != es) | (members.c.debt != debt) | (es != ls - debt))
        )
        if program_id is not None:
            query = query.where(members.c.program_id == program_id)
        return [
            MemberMismatch(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]))
            for r in self.conn.execute(query)
        ]


def _sum_per_member(table: Any, value: Any, *where: Any) -> Any:
    """`value` summed per member of `table` (as column `s`)."""
    return (
        select(table.c.program_id, table.c.member_id, func.sum(value).label("s"))
        .where(*where)
        .group_by(table.c.program_id, table.c.member_id)
        .subquery()
    )


def _of_member(sub: Any) -> Any:
    return and_(sub.c.program_id == members.c.program_id, sub.c.member_id == members.c.member_id)
