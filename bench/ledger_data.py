"""Bulk ledger data written straight into the tables: members, earn entries, lots and
allocations that reconcile (`huiyuan verify` is clean before any job runs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from huiyuan.store.repos.ledger_sweep import ENTRY_COLUMNS as WRITTEN_ENTRY_COLUMNS

from .common import MEMBER_COLUMNS, Database, bulk_insert, member_id, member_rows

ENTRY_COLUMNS = ("entry_id", *WRITTEN_ENTRY_COLUMNS)
LOT_COLUMNS = (
    "lot_id",
    "program_id",
    "member_id",
    "entry_id",
    "points",
    "remaining",
    "earned_at",
    "expires_at",
)
ALLOC_COLUMNS = ("program_id", "member_id", "entry_id", "lot_id", "points", "occurred_at")

EARNED = datetime(2026, 2, 1, 2, 0, tzinfo=UTC)
CLEARING = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # Jan 1 2027 00:00 Asia/Shanghai


def _begin(db: Database, conn: Any) -> None:
    if db.kind == "sqlite":
        conn.execute("BEGIN IMMEDIATE")


def _commit(db: Database, conn: Any) -> None:
    if db.kind == "sqlite":
        conn.execute("COMMIT")
    else:
        conn.commit()


def fix_sequences(db: Database, conn: Any) -> None:
    """PostgreSQL: move the id sequences past the ids written explicitly."""
    if db.kind != "postgresql":
        return
    for table, col in (("ledger_entries", "entry_id"), ("lots", "lot_id")):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{col}'), "
            f"(SELECT coalesce(max({col}), 1) FROM {table}))"
        )
    conn.commit()


def expiry_data(db: Database, program_id: int, members: int, lots_per_member: int) -> int:
    """`members` members with `lots_per_member` earn entries and lots each, earned over 2026
    and all expiring at the Jan 1 2027 clearing; returns the points they hold."""
    pts = [10 + (i * 37) % 490 for i in range(lots_per_member)]
    per_member = sum(pts)
    conn = db.raw()
    _begin(db, conn)
    bulk_insert(
        db,
        conn,
        "members",
        MEMBER_COLUMNS,
        member_rows(program_id, members, "member", points=_const(per_member, members)),
    )
    _commit(db, conn)

    def entries() -> Iterator[tuple[Any, ...]]:
        k = 0
        for i in range(members):
            m = member_id(i)
            for j, p in enumerate(pts):
                k += 1
                at = EARNED + timedelta(days=j * 60, seconds=i % 86400)
                yield (k, program_id, m, "earn", p, at, at, f"R{k}", "purchase")

    def lots() -> Iterator[tuple[Any, ...]]:
        k = 0
        for i in range(members):
            m = member_id(i)
            for j, p in enumerate(pts):
                k += 1
                at = EARNED + timedelta(days=j * 60, seconds=i % 86400)
                yield (k, program_id, m, k, p, p, at, CLEARING)

    for table, cols, rows in (
        ("ledger_entries", ENTRY_COLUMNS, entries()),
        ("lots", LOT_COLUMNS, lots()),
    ):
        _begin(db, conn)
        bulk_insert(db, conn, table, cols, rows)
        _commit(db, conn)
    fix_sequences(db, conn)
    if db.kind == "postgresql":
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    else:
        conn.execute("ANALYZE")
    conn.close()
    return per_member * members


class _const:
    def __init__(self, value: int, n: int):
        self.value, self.n = value, n

    def __getitem__(self, i: int) -> int:
        return self.value

    def __len__(self) -> int:
        return self.n


def busy_member(
    db: Database, program_id: int, lots: int, others: int = 1_000, others_lots: int = 10
) -> str:
    """One member with `lots` lots (earned over 2026, expiring at the clearing) and a debit
    every other lot that drew from two lots: `lots` allocations in all. Around them, `others`
    members earn `others_lots` lots each over the same months, their rows interleaved with
    the busy member's, so the busy member's rows are found by index among other members' as
    in a real database (alone in the tables, a full scan reads the same rows)."""
    m = member_id(0)
    per_lot = 100
    # (moment, member, points, debit of (lot index, lot index + 1) or None), in time order.
    events: list[tuple[datetime, str, int, int | None]] = []
    for j in range(lots):
        events.append((EARNED + timedelta(minutes=j * 100), m, per_lot, None))
    for j in range(0, lots - 1, 2):  # a debit of 150 drawing lot j fully and 50 of lot j+1
        events.append((EARNED + timedelta(minutes=j * 100 + 150), m, -150, j))
    span = lots * 100
    for i in range(1, others + 1):
        for j in range(others_lots):
            at = EARNED + timedelta(minutes=(i * 7 + j * span // others_lots) % span)
            events.append((at, member_id(i), per_lot, None))
    events.sort(key=lambda e: (e[0], e[1]))
    entries: list[tuple[Any, ...]] = []
    lot_rows: list[list[Any]] = []
    allocs: list[tuple[Any, ...]] = []
    busy_lots: list[list[Any]] = []
    k = 0
    for at, who, n, drawn in events:
        k += 1
        if drawn is None:
            entries.append((k, program_id, who, "earn", n, at, at, f"R{k}", "purchase"))
            lot = [k, program_id, who, k, n, n, at, CLEARING]
            lot_rows.append(lot)
            if who == m:
                busy_lots.append(lot)
            continue
        entries.append((k, program_id, who, "offset", n, at, at, f"O{k}", "offset"))
        a, b = busy_lots[drawn], busy_lots[drawn + 1]
        allocs.append((program_id, who, k, a[0], 100, at))
        allocs.append((program_id, who, k, b[0], 50, at))
        a[5] -= 100
        b[5] -= 50
    balance = lots * per_lot - 150 * (lots // 2)
    points = [balance] + [others_lots * per_lot] * others
    conn = db.raw()
    _begin(db, conn)
    rows = list(member_rows(program_id, others + 1, "member", points=points))
    bulk_insert(db, conn, "members", MEMBER_COLUMNS, rows)
    bulk_insert(db, conn, "ledger_entries", ENTRY_COLUMNS, entries)
    bulk_insert(db, conn, "lots", LOT_COLUMNS, [tuple(r) for r in lot_rows])
    bulk_insert(db, conn, "allocations", ALLOC_COLUMNS, allocs)
    _commit(db, conn)
    fix_sequences(db, conn)
    if db.kind == "postgresql":
        # Autovacuum would have analysed tables this size; SQLite plans without statistics
        # unless someone runs ANALYZE, so it is left without, as a shop's database would be.
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    conn.close()
    return m
