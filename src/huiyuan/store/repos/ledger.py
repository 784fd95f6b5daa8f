"""Ledger entries, lots and allocations: the queries behind balances and reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, select, update

from ...domain.ledger import LotView
from ..schema import allocations, ledger_entries, lots, members


@dataclass(frozen=True)
class LotAsOf:
    lot_id: int
    points: int
    remaining: int
    earned_at: datetime
    expires_at: datetime | None


_INSERT_ENTRY = insert(ledger_entries).returning(ledger_entries.c.entry_id)
_INSERT_LOT = insert(lots).returning(lots.c.lot_id)
_DRAW_LOT = (
    update(lots)
    .where(lots.c.lot_id == bindparam("lot"))
    .values(remaining=lots.c.remaining - bindparam("n"))
)
_MOVE_MEMBER = (
    update(members)
    .where(members.c.program_id == bindparam("p"), members.c.member_id == bindparam("m"))
    .values(
        points=members.c.points + bindparam("d"),
        debt=members.c.debt + bindparam("o"),
        points_earned_total=members.c.points_earned_total + bindparam("g"),
        last_entry_id=bindparam("e"),
    )
)


class LedgerRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    # Hot statements are built once: the values travel as parameters, so SQLAlchemy compiles
    # and caches each statement once instead of building a new one per call.

    def add_entry(self, values: dict[str, Any]) -> int:
        return int(self.conn.execute(_INSERT_ENTRY, values).scalar_one())

    def add_lot(self, values: dict[str, Any]) -> int:
        return int(self.conn.execute(_INSERT_LOT, values).scalar_one())

    def add_lots(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(lots), rows)

    def add_allocations(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(allocations), rows)

    def draw(self, lot_id: int, points: int) -> None:
        self.conn.execute(_DRAW_LOT, {"lot": lot_id, "n": points})

    def move_member(
        self, program_id: int, member_id: str, points: int, debt: int, earned: int, entry_id: int
    ) -> None:
        """Moves the balance projection by one entry."""
        self.conn.execute(
            _MOVE_MEMBER,
            {"p": program_id, "m": member_id, "d": points, "o": debt, "g": earned, "e": entry_id},
        )

    def open_lots(self, program_id: int, member_id: str) -> list[LotView]:
        rows = self.conn.execute(
            select(lots.c.lot_id, lots.c.remaining, lots.c.earned_at, lots.c.expires_at).where(
                lots.c.program_id == program_id,
                lots.c.member_id == member_id,
                lots.c.remaining > 0,
            )
        )
        return [LotView(r[0], r[1], r[2], r[3]) for r in rows]

    def lot_of_entry(self, entry_id: int) -> LotView | None:
        row = self.conn.execute(
            select(lots.c.lot_id, lots.c.remaining, lots.c.earned_at, lots.c.expires_at).where(
                lots.c.entry_id == entry_id
            )
        ).first()
        return None if row is None else LotView(row[0], row[1], row[2], row[3])

    def entry_by_ref(self, program_id: int, member_id: str, kind: str, ref: str) -> Row[Any] | None:
        return self.conn.execute(
            select(ledger_entries).where(
                ledger_entries.c.program_id == program_id,
                ledger_entries.c.member_id == member_id,
                ledger_entries.c.kind == kind,
                ledger_entries.c.ref == ref,
            )
        ).first()

    def soonest_expiry_drawn(self, entry_id: int) -> datetime | None:
        result: datetime | None = self.conn.execute(
            select(func.min(lots.c.expires_at))
            .select_from(allocations.join(lots, lots.c.lot_id == allocations.c.lot_id))
            .where(allocations.c.entry_id == entry_id)
        ).scalar()
        return result

    def unsettled_debts(self, program_id: int, member_id: str) -> list[tuple[int, int]]:
        """[(clawback entry_id, points still owed)], oldest first."""
        drawn = (
            select(allocations.c.entry_id, func.sum(allocations.c.points).label("drawn"))
            .where(allocations.c.program_id == program_id, allocations.c.member_id == member_id)
            .group_by(allocations.c.entry_id)
            .subquery()
        )
        rows = self.conn.execute(
            select(
                ledger_entries.c.entry_id,
                -ledger_entries.c.points - func.coalesce(drawn.c.drawn, 0),
            )
            .select_from(
                ledger_entries.outerjoin(drawn, drawn.c.entry_id == ledger_entries.c.entry_id)
            )
            .where(
                ledger_entries.c.program_id == program_id,
                ledger_entries.c.member_id == member_id,
                ledger_entries.c.kind == "clawback",
            )
            .order_by(ledger_entries.c.entry_id)
        )
        return [(int(r[0]), int(r[1])) for r in rows if r[1] > 0]

    def lots_as_of(self, program_id: int, member_id: str, as_of: datetime) -> list[LotAsOf]:
        drawn = func.coalesce(func.sum(allocations.c.points), 0)
        rows = self.conn.execute(
            select(lots.c.lot_id, lots.c.points, lots.c.earned_at, lots.c.expires_at, drawn)
            .select_from(
                lots.outerjoin(
                    allocations,
                    and_(allocations.c.lot_id == lots.c.lot_id, allocations.c.occurred_at <= as_of),
                )
            )
            .where(
                lots.c.program_id == program_id,
                lots.c.member_id == member_id,
                lots.c.earned_at <= as_of,
            )
            .group_by(lots.c.lot_id, lots.c.points, lots.c.earned_at, lots.c.expires_at)
        )
        return [LotAsOf(r[0], r[1], r[1] - int(r[4]), r[2], r[3]) for r in rows]

    def alive_by_expiry(
        self, program_id: int, member_id: str, as_of: datetime
    ) -> list[tuple[datetime | None, int]]:
        """Unexpired points held at `as_of`, summed per expiry moment, in the database."""
        drawn = (
            select(allocations.c.lot_id, func.sum(allocations.c.points).label("drawn"))
            .where(
                allocations.c.program_id == program_id,
                allocations.c.member_id == member_id,
                allocations.c.occurred_at <= as_of,
            )
            .group_by(allocations.c.lot_id)
            .subquery()
        )
        held = func.sum(lots.c.points - func.coalesce(drawn.c.drawn, 0))
        rows = self.conn.execute(
            select(lots.c.expires_at, held)
            .select_from(lots.outerjoin(drawn, drawn.c.lot_id == lots.c.lot_id))
            .where(
                lots.c.program_id == program_id,
                lots.c.member_id == member_id,
                lots.c.earned_at <= as_of,
                (lots.c.expires_at.is_(None)) | (lots.c.expires_at > as_of),
            )
            .group_by(lots.c.expires_at)
        )
        return [(r[0], int(r[1])) for r in rows if r[1]]

    def member_debt(self, program_id: int, member_id: str) -> int:
        debt = self.conn.execute(
            select(members.c.debt).where(
                members.c.program_id == program_id, members.c.member_id == member_id
            )
        ).scalar()
        return int(debt or 0)

    def debt_as_of(self, program_id: int, member_id: str, as_of: datetime) -> int:
        owed = self.conn.execute(
            select(func.coalesce(func.sum(-ledger_entries.c.points), 0)).where(
                ledger_entries.c.program_id == program_id,
                ledger_entries.c.member_id == member_id,
                ledger_entries.c.kind == "clawback",
                ledger_entries.c.occurred_at <= as_of,
            )
        ).scalar_one()
        if not owed:
            return 0
        claw_ids = select(ledger_entries.c.entry_id).where(
            ledger_entries.c.program_id == program_id,
            ledger_entries.c.member_id == member_id,
            ledger_entries.c.kind == "clawback",
            ledger_entries.c.occurred_at <= as_of,
        )
        paid = self.conn.execute(
            select(func.coalesce(func.sum(allocations.c.points), 0)).where(
                allocations.c.entry_id.in_(claw_ids), allocations.c.occurred_at <= as_of
            )
        ).scalar_one()
        return int(owed) - int(paid)

    def entries(
        self, program_id: int, member_id: str, limit: int, before: int | None = None
    ) -> list[Row[Any]]:
        query = select(ledger_entries).where(
            ledger_entries.c.program_id == program_id, ledger_entries.c.member_id == member_id
        )
        if before is not None:
            query = query.where(ledger_entries.c.entry_id < before)
        return list(
            self.conn.execute(query.order_by(ledger_entries.c.entry_id.desc()).limit(limit))
        )

    def expired_lots(self, program_id: int, member_id: str, as_of: datetime) -> list[LotView]:
        rows = self.conn.execute(
            select(lots.c.lot_id, lots.c.remaining, lots.c.earned_at, lots.c.expires_at)
            .where(
                lots.c.program_id == program_id,
                lots.c.member_id == member_id,
                lots.c.remaining > 0,
                lots.c.expires_at <= as_of,
            )
            # A stated order, so the expiry's allocations are written in the same order on
            # SQLite and PostgreSQL.
            .order_by(lots.c.lot_id)
        )
        return [LotView(r[0], r[1], r[2], r[3]) for r in rows]

    def members_with_expired_lots(
        self, program_id: int, as_of: datetime, after: str | None, limit: int
    ) -> list[str]:
        """Members (in id order, after a cursor) holding lots expired by `as_of`."""
        query = (
            select(lots.c.member_id)
            .where(
                lots.c.program_id == program_id, lots.c.remaining > 0, lots.c.expires_at <= as_of
            )
            .group_by(lots.c.member_id)
            .order_by(lots.c.member_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(lots.c.member_id > after)
        return list(self.conn.execute(query).scalars())

    def expired_lots_of(
        self, program_id: int, member_ids: list[str], as_of: datetime
    ) -> list[tuple[int, str, int]]:
        """(lot_id, member_id, remaining) of the members' lots expired by `as_of`."""
        rows = self.conn.execute(
            select(lots.c.lot_id, lots.c.member_id, lots.c.remaining)
            .where(
                lots.c.program_id == program_id,
                lots.c.member_id.in_(member_ids),
                lots.c.remaining > 0,
                lots.c.expires_at <= as_of,
            )
            # Deterministic allocation order on both databases, as above.
            .order_by(lots.c.lot_id)
        )
        return [(int(r[0]), r[1], int(r[2])) for r in rows]

    def add_entries(self, rows: list[dict[str, Any]]) -> list[int]:
        """Inserts many entries; their ids in the order given."""
        result = self.conn.execute(
            insert(ledger_entries).returning(
                ledger_entries.c.entry_id, sort_by_parameter_order=True
            ),
            rows,
        )
        return [int(r[0]) for r in result]

    def empty_lots(self, lot_ids: list[int]) -> None:
        for i in range(0, len(lot_ids), 5000):
            self.conn.execute(
                update(lots).where(lots.c.lot_id.in_(lot_ids[i : i + 5000])).values(remaining=0)
            )

    def move_members(self, program_id: int, moves: list[dict[str, Any]]) -> None:
        """Balance projection moves: [{"m": member_id, "d": delta, "e": last entry id}]."""
        from sqlalchemy import bindparam

        self.conn.execute(
            update(members)
            .where(members.c.program_id == program_id, members.c.member_id == bindparam("m"))
            .values(points=members.c.points + bindparam("d"), last_entry_id=bindparam("e")),
            moves,
        )

    def lock_members(self, program_id: int, member_ids: list[str]) -> None:
        self.conn.execute(
            select(members.c.member_id)
            .where(members.c.program_id == program_id, members.c.member_id.in_(member_ids))
            .order_by(members.c.member_id)
            .with_for_update()
        ).all()

    def lock_member_range(self, program_id: int, first: str, last: str) -> None:
        """Row locks on the members from `first` to `last` (PostgreSQL; SQLite's BEGIN
        IMMEDIATE already serialises writers), in id order."""
        self.conn.execute(
            select(members.c.member_id)
            .where(members.c.program_id == program_id, members.c.member_id.between(first, last))
            .order_by(members.c.member_id)
            .with_for_update()
        ).all()

    def expire_range(
        self, program_id: int, first: str, last: str, as_of: datetime, now: datetime, ref: str
    ) -> int:
        """Set-based expiry of every lot expired by `as_of` of the members from `first` to
        `last`: one `expire` entry per member (in member order), an allocation per lot (in
        member, lot order), the lots emptied and the balances moved; the points expired.

        Four statements for the whole range, so a chunk of members costs the same few round
        trips however many it holds (was: the lots read into Python and written back row by
        row with executemany)."""
        from sqlalchemy import literal

        from ..types import UTCDateTime

        at = literal(as_of, UTCDateTime())
        expired = and_(
            lots.c.program_id == program_id,
            lots.c.member_id.between(first, last),
            lots.c.remaining > 0,
            lots.c.expires_at <= as_of,
        )
        before = self.conn.execute(select(func.max(ledger_entries.c.entry_id))).scalar() or 0
        self.conn.execute(
            insert(ledger_entries).from_select(
                [
                    "program_id",
                    "member_id",
                    "kind",
                    "points",
                    "occurred_at",
                    "recorded_at",
                    "ref",
                    "reason",
                ],
                select(
                    literal(program_id),
                    lots.c.member_id,
                    literal("expire"),
                    -func.sum(lots.c.remaining),
                    at,
                    literal(now, UTCDateTime()),
                    literal(ref),
                    literal("expiry"),
                )
                .where(expired)
                .group_by(lots.c.member_id)
                .order_by(lots.c.member_id),
            )
        )
        new = and_(
            ledger_entries.c.entry_id > before,
            ledger_entries.c.program_id == program_id,
            ledger_entries.c.member_id.between(first, last),
            ledger_entries.c.kind == "expire",
            ledger_entries.c.ref == ref,
        )
        self.conn.execute(
            insert(allocations).from_select(
                ["program_id", "member_id", "entry_id", "lot_id", "points", "occurred_at"],
                select(
                    lots.c.program_id,
                    lots.c.member_id,
                    ledger_entries.c.entry_id,
                    lots.c.lot_id,
                    lots.c.remaining,
                    at,
                )
                .select_from(
                    lots.join(
                        ledger_entries,
                        and_(
                            ledger_entries.c.program_id == lots.c.program_id,
                            ledger_entries.c.member_id == lots.c.member_id,
                            new,
                        ),
                    )
                )
                .where(expired)
                .order_by(lots.c.member_id, lots.c.lot_id),
            )
        )
        self.conn.execute(
            update(members)
            .where(
                members.c.program_id == program_id,
                members.c.member_id == ledger_entries.c.member_id,
                new,
            )
            .values(
                points=members.c.points + ledger_entries.c.points,
                last_entry_id=ledger_entries.c.entry_id,
            )
        )
        self.conn.execute(update(lots).where(expired).values(remaining=0))
        total = self.conn.execute(
            select(func.coalesce(func.sum(-ledger_entries.c.points), 0)).where(new)
        ).scalar_one()
        return int(total)

    # -- reconciliation

    def bad_lots(self, program_id: int | None = None) -> list[Row[Any]]:
        drawn = (
            select(allocations.c.lot_id, func.sum(allocations.c.points).label("drawn"))
            .group_by(allocations.c.lot_id)
            .subquery()
        )
        expected = lots.c.points - func.coalesce(drawn.c.drawn, 0)
        query = (
            select(
                lots.c.lot_id,
                lots.c.member_id,
                lots.c.points,
                lots.c.remaining,
                expected.label("expected"),
            )
            .select_from(lots.outerjoin(drawn, drawn.c.lot_id == lots.c.lot_id))
            .where(
                (lots.c.remaining != expected)
                | (lots.c.remaining < 0)
                | (lots.c.remaining > lots.c.points)
            )
        )
        if program_id is not None:
            query = query.where(lots.c.program_id == program_id)
        return list(self.conn.execute(query))

    def bad_entries(self, program_id: int | None = None) -> list[Row[Any]]:
        drawn = (
            select(allocations.c.entry_id, func.sum(allocations.c.points).label("drawn"))
            .group_by(allocations.c.entry_id)
            .subquery()
        )
        got = func.coalesce(drawn.c.drawn, 0)
        negative = ledger_entries.c.points < 0
        query = (
            select(
                ledger_entries.c.entry_id,
                ledger_entries.c.member_id,
                ledger_entries.c.kind,
                ledger_entries.c.points,
                got.label("drawn"),
            )
            .select_from(
                ledger_entries.outerjoin(drawn, drawn.c.entry_id == ledger_entries.c.entry_id)
            )
            .where(
                (
                    negative
                    & (ledger_entries.c.kind != "clawback")
                    & (got != -ledger_entries.c.points)
                )
                | (
                    (ledger_entries.c.kind == "clawback")
                    & ((got > -ledger_entries.c.points) | (got < 0))
                )
            )
        )
        if program_id is not None:
            query = query.where(ledger_entries.c.program_id == program_id)
        return list(self.conn.execute(query))

    def bad_members(self, program_id: int | None = None) -> list[Row[Any]]:
        """Members whose cached balance or debt disagrees with their entries and lots."""
        entry_sum = (
            select(
                ledger_entries.c.program_id,
                ledger_entries.c.member_id,
                func.sum(ledger_entries.c.points).label("s"),
            )
            .group_by(ledger_entries.c.program_id, ledger_entries.c.member_id)
            .subquery()
        )
        lot_sum = (
            select(lots.c.program_id, lots.c.member_id, func.sum(lots.c.remaining).label("s"))
            .group_by(lots.c.program_id, lots.c.member_id)
            .subquery()
        )
        claw = (
            select(
                ledger_entries.c.program_id,
                ledger_entries.c.member_id,
                func.sum(-ledger_entries.c.points).label("s"),
            )
            .where(ledger_entries.c.kind == "clawback")
            .group_by(ledger_entries.c.program_id, ledger_entries.c.member_id)
            .subquery()
        )
        claw_paid = (
            select(
                allocations.c.program_id,
                allocations.c.member_id,
                func.sum(allocations.c.points).label("s"),
            )
            .where(
                allocations.c.entry_id.in_(
                    select(ledger_entries.c.entry_id).where(ledger_entries.c.kind == "clawback")
                )
            )
            .group_by(allocations.c.program_id, allocations.c.member_id)
            .subquery()
        )
        es = func.coalesce(entry_sum.c.s, 0)
        ls = func.coalesce(lot_sum.c.s, 0)
        debt = func.coalesce(claw.c.s, 0) - func.coalesce(claw_paid.c.s, 0)

        def j(sub: Any) -> Any:
            return and_(
                sub.c.program_id == members.c.program_id, sub.c.member_id == members.c.member_id
            )

        query = (
            select(
                members.c.program_id,
                members.c.member_id,
                members.c.points,
                members.c.debt,
                es.label("entries_sum"),
                ls.label("lots_sum"),
                debt.label("clawback_debt"),
            )
            .select_from(
                members.outerjoin(entry_sum, j(entry_sum))
                .outerjoin(lot_sum, j(lot_sum))
                .outerjoin(claw, j(claw))
                .outerjoin(claw_paid, j(claw_paid))
            )
            .where((members.c.points != es) | (members.c.debt != debt) | (es != ls - debt))
        )
        if program_id is not None:
            query = query.where(members.c.program_id == program_id)
        return list(self.conn.execute(query))
