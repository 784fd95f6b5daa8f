"""Ledger entries, lots and allocations: postings and the balances read from them.

`LedgerRepo` is the one ledger repository of the unit of work; the expire job's sweep
(`ledger_sweep`) and reconciliation (`ledger_checks`) live in their own modules beside it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, literal, select, update
from sqlalchemy.sql.elements import ColumnElement

from ...domain.ledger import EntryKind, LotView
from ...domain.records.ledger import Entry
from ..schema import allocations, ledger_entries, lots, members
from .ledger_checks import Reconciliation
from .ledger_sweep import ExpirySweep


def _swept_by(entries: Any) -> ColumnElement[bool]:
    """Joins a swept lot to the `expire` entry that took its points: the member's entry at
    the lot's `swept_at` (one per member and moment; see schema.lots)."""
    return and_(
        entries.c.program_id == lots.c.program_id,
        entries.c.member_id == lots.c.member_id,
        entries.c.kind == EntryKind.EXPIRE.value,
        entries.c.occurred_at == lots.c.swept_at,
    )


def entry_of(row: Row[Any]) -> Entry:
    """The record of a `select(ledger_entries)` row."""
    return Entry(**row._mapping)


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

# What a balance "as of now" needs, in one statement (one snapshot, one round trip): a head
# row with the member's latest entry moment and debt, then the points the unexpired lots
# hold per expiry moment, read from the lots' `remaining` projection.
_HOLDINGS = (
    select(
        literal(0),
        func.max(ledger_entries.c.occurred_at),
        select(members.c.debt)
        .where(members.c.program_id == bindparam("p"), members.c.member_id == bindparam("m"))
        .scalar_subquery(),
    )
    .where(
        ledger_entries.c.program_id == bindparam("p"), ledger_entries.c.member_id == bindparam("m")
    )
    .union_all(
        select(literal(1), lots.c.expires_at, func.sum(lots.c.remaining))
        .where(
            lots.c.program_id == bindparam("p"),
            lots.c.member_id == bindparam("m"),
            lots.c.expires_at.is_(None) | (lots.c.expires_at > bindparam("t")),
        )
        .group_by(lots.c.expires_at)
    )
)


# The lots alive at a moment (earned by then, not yet expired), per expiry moment: what they
# earned, then (negative) what allocations up to then drew from them. Two plain aggregates
# rather than a per-lot sum of allocations joined to the lots, which SQLite could only join
# through an index built for each query.
_ALIVE = (
    (lots.c.program_id == bindparam("p"))
    & (lots.c.member_id == bindparam("m"))
    & (lots.c.earned_at <= bindparam("t"))
    & (lots.c.expires_at.is_(None) | (lots.c.expires_at > bindparam("t")))
)
_ALIVE_BY_EXPIRY = (
    select(lots.c.expires_at, func.sum(lots.c.points))
    .where(_ALIVE)
    .group_by(lots.c.expires_at)
    .union_all(
        select(lots.c.expires_at, -func.sum(allocations.c.points))
        .select_from(allocations.join(lots, lots.c.lot_id == allocations.c.lot_id))
        .where(
            allocations.c.program_id == bindparam("p"),
            allocations.c.member_id == bindparam("m"),
            allocations.c.occurred_at <= bindparam("t"),
            _ALIVE,
        )
        .group_by(lots.c.expires_at)
    )
)


# A member's debt at a moment: what their clawbacks up to then took beyond the lots they could
# draw, less what later earnings up to then settled (allocations naming the clawback).
_CLAWBACKS = (
    (ledger_entries.c.program_id == bindparam("p"))
    & (ledger_entries.c.member_id == bindparam("m"))
    & (ledger_entries.c.kind == EntryKind.CLAWBACK.value)
    & (ledger_entries.c.occurred_at <= bindparam("t"))
)
_OWED = select(func.coalesce(func.sum(-ledger_entries.c.points), 0)).where(_CLAWBACKS)
_PAID = select(func.coalesce(func.sum(allocations.c.points), 0)).where(
    allocations.c.entry_id.in_(select(ledger_entries.c.entry_id).where(_CLAWBACKS)),
    allocations.c.occurred_at <= bindparam("t"),
)


class LedgerRepo(ExpirySweep, Reconciliation):
    """Postings (entries, lots, allocations, the balance projection) and balances."""

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

    def entry_by_ref(self, program_id: int, member_id: str, kind: str, ref: str) -> Entry | None:
        row = self.conn.execute(
            select(ledger_entries).where(
                ledger_entries.c.program_id == program_id,
                ledger_entries.c.member_id == member_id,
                ledger_entries.c.kind == kind,
                ledger_entries.c.ref == ref,
            )
        ).first()
        return None if row is None else entry_of(row)

    def soonest_expiry_drawn(self, entry_id: int) -> datetime | None:
        drawn = (
            select(lots.c.expires_at)
            .select_from(allocations.join(lots, lots.c.lot_id == allocations.c.lot_id))
            .where(allocations.c.entry_id == entry_id)
        )
        # An `expire` entry's lots name it by member and moment (see `swept`).
        swept = (
            select(lots.c.expires_at)
            .select_from(lots.join(ledger_entries, _swept_by(ledger_entries)))
            .where(ledger_entries.c.entry_id == entry_id)
        )
        result: datetime | None = self.conn.execute(
            select(func.min(drawn.union_all(swept).subquery().c.expires_at))
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
                ledger_entries.c.kind == EntryKind.CLAWBACK.value,
            )
            .order_by(ledger_entries.c.entry_id)
        )
        return [(int(r[0]), int(r[1])) for r in rows if r[1] > 0]

    def alive_by_expiry(
        self, program_id: int, member_id: str, as_of: datetime
    ) -> list[tuple[datetime | None, int]]:
        """Unexpired points held at `as_of`, summed per expiry moment, in the database."""
        held: dict[datetime | None, int] = {}
        params = {"p": program_id, "m": member_id, "t": as_of}
        for when, n in self.conn.execute(_ALIVE_BY_EXPIRY, params):
            held[when] = held.get(when, 0) + int(n)
        return [(when, n) for when, n in held.items() if n]

    def member_debt(self, program_id: int, member_id: str) -> int:
        debt = self.conn.execute(
            select(members.c.debt).where(
                members.c.program_id == program_id, members.c.member_id == member_id
            )
        ).scalar()
        return int(debt or 0)

    def debt_as_of(self, program_id: int, member_id: str, as_of: datetime) -> int:
        params = {"p": program_id, "m": member_id, "t": as_of}
        owed = self.conn.execute(_OWED, params).scalar_one()
        if not owed:
            return 0
        return int(owed) - int(self.conn.execute(_PAID, params).scalar_one())

    def holdings(
        self, program_id: int, member_id: str, as_of: datetime
    ) -> tuple[datetime | None, int, list[tuple[datetime | None, int]]]:
        """The moment of the member's latest entry, their debt now, and the points each
        expiry moment's unexpired lots (at `as_of`) hold now. These are the balance as of
        `as_of` only when no entry is later than it (see services.ledger.balance_as_of)."""
        latest: datetime | None = None
        debt = 0
        held: list[tuple[datetime | None, int]] = []
        for head, at, n in self.conn.execute(
            _HOLDINGS, {"p": program_id, "m": member_id, "t": as_of}
        ):
            if head == 0:
                latest, debt = at, int(n or 0)
            else:
                held.append((at, int(n)))
        return latest, debt, held

    def entries(
        self, program_id: int, member_id: str, limit: int, before: int | None = None
    ) -> list[Entry]:
        """A page of the member's entries, newest first, before entry id `before`."""
        query = select(ledger_entries).where(
            ledger_entries.c.program_id == program_id, ledger_entries.c.member_id == member_id
        )
        if before is not None:
            query = query.where(ledger_entries.c.entry_id < before)
        rows = self.conn.execute(query.order_by(ledger_entries.c.entry_id.desc()).limit(limit))
        return [entry_of(r) for r in rows]

    def add_entries(self, rows: list[dict[str, Any]]) -> list[int]:
        """Inserts many entries; their ids in the order given."""
        result = self.conn.execute(
            insert(ledger_entries).returning(
                ledger_entries.c.entry_id, sort_by_parameter_order=True
            ),
            rows,
        )
        return [int(r[0]) for r in result]
