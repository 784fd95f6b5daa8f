"""Ledger entries, lots and allocations: the queries behind balances and reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Row,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from ...domain.ledger import EntryKind, LotView
from ..schema import allocations, ledger_entries, lots, members
from ..types import UTCDateTime
from .in_lists import slices


def swept_by(entries: Any) -> ColumnElement[bool]:
    """Joins a swept lot to the `expire` entry that took its points: the member's entry at
    the lot's `swept_at` (one per member and moment; see schema.lots)."""
    return and_(
        entries.c.program_id == lots.c.program_id,
        entries.c.member_id == lots.c.member_id,
        entries.c.kind == EntryKind.EXPIRE.value,
        entries.c.occurred_at == lots.c.swept_at,
    )


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
    & (ledger_entries.c.kind == "clawback")
    & (ledger_entries.c.occurred_at <= bindparam("t"))
)
_OWED = select(func.coalesce(func.sum(-ledger_entries.c.points), 0)).where(_CLAWBACKS)
_PAID = select(func.coalesce(func.sum(allocations.c.points), 0)).where(
    allocations.c.entry_id.in_(select(ledger_entries.c.entry_id).where(_CLAWBACKS)),
    allocations.c.occurred_at <= bindparam("t"),
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
        drawn = (
            select(lots.c.expires_at)
            .select_from(allocations.join(lots, lots.c.lot_id == allocations.c.lot_id))
            .where(allocations.c.entry_id == entry_id)
        )
        # An `expire` entry's lots name it by member and moment (see `swept`).
        swept = (
            select(lots.c.expires_at)
            .select_from(lots.join(ledger_entries, swept_by(ledger_entries)))
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
                ledger_entries.c.kind == "clawback",
            )
            .order_by(ledger_entries.c.entry_id)
        )
        return [(int(r[0]), int(r[1])) for r in rows if r[1] > 0]

    def lots_as_of(self, program_id: int, member_id: str, as_of: datetime) -> list[LotAsOf]:
        drawn = func.coalesce(func.sum(allocations.c.points), 0)
        # A lot swept by `as_of` lost its expired points then (one value per lot: the max).
        swept = func.max(
            case((lots.c.swept_at <= as_of, func.coalesce(lots.c.expired_points, 0)), else_=0)
        )
        rows = self.conn.execute(
            select(lots.c.lot_id, lots.c.points, lots.c.earned_at, lots.c.expires_at, drawn + swept)
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
            .order_by(lots.c.lot_id)
        )
        return [LotAsOf(r[0], r[1], r[1] - int(r[4]), r[2], r[3]) for r in rows]

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

    def member_run_after(self, program_id: int, after: str | None, limit: int) -> list[str]:
        """The first and the last of the next `limit` members in id order after a cursor
        ([] when none are left): a chunk of the expiry job, which sweeps every member from
        the first to the last. Only the two ends leave the database (a whole chunk of ids
        read into Python cost more than the index walk), and the lots are not consulted:
        the sweep reads them anyway."""
        run = select(members.c.member_id).where(members.c.program_id == program_id)
        if after is not None:
            run = run.where(members.c.member_id > after)
        ids = run.order_by(members.c.member_id).limit(limit).subquery()
        row = self.conn.execute(select(func.min(ids.c.member_id), func.max(ids.c.member_id))).one()
        return [] if row[0] is None else [row[0], row[1]]

    def add_entries(self, rows: list[dict[str, Any]]) -> list[int]:
        """Inserts many entries; their ids in the order given."""
        result = self.conn.execute(
            insert(ledger_entries).returning(
                ledger_entries.c.entry_id, sort_by_parameter_order=True
            ),
            rows,
        )
        return [int(r[0]) for r in result]

    def sweep(self, lot_ids: list[int], at: datetime) -> None:
        """Records on the lots that their remainders expired at `at` (one member's `expire`
        entry at that moment says so) and empties them."""
        for part in slices(lot_ids, 5000):
            self.conn.execute(
                update(lots)
                .where(lots.c.lot_id.in_(part))
                .values(expired_points=lots.c.remaining, swept_at=at, remaining=0)
            )

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
    ) -> tuple[int, int]:
        """Set-based expiry of every lot expired by `as_of` of the members from `first` to
        `last`: one `expire` entry per member (in member order), the lots emptied with their
        expiry recorded on them, the balances moved; (members, points) expired.

        A few statements for the whole range whatever it holds. The lots' update is the one
        a bare sweep would do, plus the two values that say what was taken and when (no
        allocation row per lot)."""
        at = literal(as_of, UTCDateTime())
        expired = and_(
            lots.c.program_id == program_id,
            lots.c.member_id.between(first, last),
            lots.c.remaining > 0,
            lots.c.expires_at <= as_of,
        )
        last_id = select(func.max(ledger_entries.c.entry_id))
        before = self.conn.execute(last_id).scalar() or 0
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
                    literal(EntryKind.EXPIRE.value),
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
        # The entries just written: the member range is locked, so no other writer adds an
        # entry for these members meanwhile. Bounding the ids on both sides lets SQLite read
        # them by key instead of walking the members' entries.
        after = self.conn.execute(last_id).scalar() or 0
        if after == before:
            return 0, 0
        self.conn.execute(
            update(lots)
            .where(expired)
            .values(expired_points=lots.c.remaining, swept_at=at, remaining=0)
        )
        new = and_(
            ledger_entries.c.entry_id > before,
            ledger_entries.c.entry_id <= after,
            ledger_entries.c.program_id == program_id,
            ledger_entries.c.member_id.between(first, last),
            ledger_entries.c.kind == EntryKind.EXPIRE.value,
            ledger_entries.c.ref == ref,
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
        # Counted in the database: the entries' rows are not worth bringing into Python.
        written, total = self.conn.execute(
            select(func.count(), func.coalesce(func.sum(-ledger_entries.c.points), 0)).where(new)
        ).one()
        return int(written), int(total)

    # -- reconciliation

    def bad_lots(self, program_id: int | None = None) -> list[Row[Any]]:
        drawn = (
            select(allocations.c.lot_id, func.sum(allocations.c.points).label("drawn"))
            .group_by(allocations.c.lot_id)
            .subquery()
        )
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
                    & ledger_entries.c.kind.not_in(("clawback", EntryKind.EXPIRE.value))
                    & (got != -ledger_entries.c.points)
                )
                # What an expiry took is checked per member and moment: `bad_expiries`.
                | (
                    (ledger_entries.c.kind == EntryKind.EXPIRE.value)
                    & (ledger_entries.c.points >= 0)
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

    def bad_expiries(self, program_id: int | None = None) -> list[Row[Any]]:
        """(program_id, member_id, at, expired, taken) wherever the `expire` entries of a
        member at a moment (expired: minus their points) differ from what was taken from the
        lots then: recorded on the lots swept at that moment, or (expiries written before
        lots recorded their own) the allocations of those entries."""
        e = ledger_entries
        is_expire = e.c.kind == EntryKind.EXPIRE.value
        none = literal(0, BigInteger())
        parts = [
            select(
                e.c.program_id.label("program_id"),
                e.c.member_id.label("member_id"),
                e.c.occurred_at.label("at"),
                (-e.c.points).label("expired"),
                none.label("taken"),
            ).where(is_expire),
            select(
                allocations.c.program_id,
                allocations.c.member_id,
                e.c.occurred_at,
                none,
                allocations.c.points,
            )
            .select_from(allocations.join(e, e.c.entry_id == allocations.c.entry_id))
            .where(is_expire),
            select(
                lots.c.program_id,
                lots.c.member_id,
                lots.c.swept_at,
                none,
                lots.c.expired_points,
            ).where(lots.c.swept_at.is_not(None)),
        ]
        if program_id is not None:
            parts = [
                parts[0].where(e.c.program_id == program_id),
                parts[1].where(allocations.c.program_id == program_id),
                parts[2].where(lots.c.program_id == program_id),
            ]
        u = union_all(*parts).subquery()
        expired, taken = func.sum(u.c.expired), func.sum(u.c.taken)
        return list(
            self.conn.execute(
                select(
                    u.c.program_id,
                    u.c.member_id,
                    u.c.at,
                    expired.label("expired"),
                    taken.label("taken"),
                )
                .group_by(u.c.program_id, u.c.member_id, u.c.at)
                .having(expired != taken)
            )
        )

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
