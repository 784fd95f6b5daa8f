"""The expiry sweep: every lot expired by a moment emptied, set-based over a run of members,
with one `expire` entry per member that says so."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, literal, select, update

from ...domain.ledger import EntryKind
from ..schema import ledger_entries, lots, members
from ..types import UTCDateTime

# The columns an entry is written with (its id comes from the database).
ENTRY_COLUMNS = (
    "program_id",
    "member_id",
    "kind",
    "points",
    "occurred_at",
    "recorded_at",
    "ref",
    "reason",
)
_LAST_ENTRY_ID = select(func.max(ledger_entries.c.entry_id))


class ExpirySweep:
    """The expire job's statements, a few per run of members whatever it holds."""

    conn: Connection

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

    def expire_range(
        self, program_id: int, first: str, last: str, as_of: datetime, now: datetime, ref: str
    ) -> tuple[int, int]:
        """Set-based expiry of every lot expired by `as_of` of the members from `first` to
        `last`: one `expire` entry per member (in member order), the lots emptied with their
        expiry recorded on them, the balances moved; (members, points) expired.

        The members' rows are locked first, in id order. The lots' update is the one a bare
        sweep would do, plus the two values that say what was taken and when (no allocation
        row per lot)."""
        self._lock_members(program_id, first, last)
        at = literal(as_of, UTCDateTime())
        expired = and_(
            lots.c.program_id == program_id,
            lots.c.member_id.between(first, last),
            lots.c.remaining > 0,
            lots.c.expires_at <= as_of,
        )
        before = self.conn.execute(_LAST_ENTRY_ID).scalar() or 0
        self._write_entries(program_id, expired, at, now, ref)
        # The entries just written: the member range is locked, so no other writer adds an
        # entry for these members meanwhile. Bounding the ids on both sides lets SQLite read
        # them by key instead of walking the members' entries.
        after = self.conn.execute(_LAST_ENTRY_ID).scalar() or 0
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
        self._move_members(program_id, new)
        # Counted in the database: the entries' rows are not worth bringing into Python.
        written, total = self.conn.execute(
            select(func.count(), func.coalesce(func.sum(-ledger_entries.c.points), 0)).where(new)
        ).one()
        return int(written), int(total)

    def _lock_members(self, program_id: int, first: str, last: str) -> None:
        """Row locks on the members from `first` to `last`, in id order (PostgreSQL; SQLite's
        BEGIN IMMEDIATE already serialises writers)."""
        if self.conn.dialect.name == "sqlite":
            return
        self.conn.execute(
            select(members.c.member_id)
            .where(members.c.program_id == program_id, members.c.member_id.between(first, last))
            .order_by(members.c.member_id)
            .with_for_update()
        ).all()

    def _write_entries(
        self, program_id: int, expired: Any, at: Any, now: datetime, ref: str
    ) -> None:
        """One `expire` entry per member with expired lots, in member order."""
        self.conn.execute(
            insert(ledger_entries).from_select(
                ENTRY_COLUMNS,
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

    def _move_members(self, program_id: int, new: Any) -> None:
        """Moves each member's balance projection by their new `expire` entry."""
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
