"""1. Batch accrual: `import receipts` through the rule engine and ledger, against plain inserts.

Run as a child process (one per import, so its peak RSS is its own):
    python -m bench.accrual engine   --db URL --program CODE --file PATH [--profile OUT]
    python -m bench.accrual baseline --db URL --program-id N --file PATH
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .common import Database, bulk_insert, member_rows, report
from .ledger_data import ENTRY_COLUMNS, LOT_COLUMNS


def engine_run(url: str, program: str, file: Path, profile: str | None) -> None:
    from huiyuan.bootstrap import make_context
    from huiyuan.services.imports import import_receipts
    from huiyuan.settings import get_settings

    ctx = make_context(get_settings(), url)
    profiler: Any = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    rep = import_receipts(ctx, program, file, "skip", 1000)
    seconds = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    ctx.engine.dispose()
    report(
        {
            "receipts": rep.imported,
            "read": rep.read,
            "errors": len(rep.errors),
            "first_errors": rep.errors[:3],
            "duplicates": rep.skipped_duplicates,
            "points": rep.points,
            "seconds": seconds,
        }
    )


# -- the baseline: the same receipts, their lines, an earn entry and a lot, no rules


def _receipts(file: Path) -> Iterator[dict[str, Any]]:
    if file.suffix == ".csv":
        with file.open(encoding="utf-8", newline="") as fh:
            current: dict[str, Any] | None = None
            for row in csv.DictReader(fh):
                if current is None or row["receipt_no"] != current["receipt_no"]:
                    if current is not None:
                        yield current
                    current = {
                        "receipt_no": row["receipt_no"],
                        "member_id": row["member_id"],
                        "occurred_at": row["occurred_at"],
                        "store": row["store"],
                        "card_presented": row["card_presented"] == "true",
                        "lines": [],
                    }
                current["lines"].append(row)
            if current is not None:
                yield current
    else:
        with file.open(encoding="utf-8") as fh:
            for text in fh:
                yield json.loads(text)


def baseline_run(url: str, program_id: int, file: Path) -> None:
    db = Database.from_url(url)
    kind = db.kind
    conn = db.raw()
    ph = "?" if kind == "sqlite" else "%s"

    def sql(table: str, cols: Sequence[str]) -> str:
        names = ", ".join(f'"{c}"' for c in cols)  # "offset" is a keyword on PostgreSQL
        return f"INSERT INTO {table} ({names}) VALUES ({', '.join(ph for _ in cols)})"

    r_cols = [
        "program_id",
        "receipt_no",
        "member_id",
        "program_version",
        "occurred_at",
        "recorded_at",
        "business_date",
        "store",
        "card_presented",
        "list_total",
        "discount_total",
        "offset_total",
        "voucher_total",
        "paid_total",
        "paid_net",
        "points_earned",
        "points_redeemed",
        "points_reversed",
        "referral_share",
        "referral_bonus",
        "referral_reversed",
    ]
    l_cols = [
        "program_id",
        "receipt_no",
        "line_no",
        "sku",
        "category",
        "flags",
        "qty",
        "list_price",
        "price",
        "member_discount",
        "offset",
        "vouchers",
        "paid",
        "points",
        "offset_points",
        "returned_qty",
        "points_reversed",
        "offset_points_refunded",
    ]
    q = {
        t: sql(t, c)
        for t, c in (
            ("receipts", r_cols),
            ("receipt_lines", l_cols),
            ("ledger_entries", ENTRY_COLUMNS),
            ("lots", LOT_COLUMNS),
        )
    }
    pending: dict[str, list[tuple[Any, ...]]] = {t: [] for t in q}
    rows_pending = 0
    now = datetime.now(UTC)
    expires = datetime(2027, 1, 1, tzinfo=UTC)
    nid = 0
    count = 0
    cur = conn.cursor()
    start = time.perf_counter()
    if kind == "sqlite":
        cur.execute("BEGIN IMMEDIATE")

    def flush() -> None:
        for table, rows in pending.items():
            if rows:
                cur.executemany(q[table], rows)
                rows.clear()
        conn.commit() if kind != "sqlite" else cur.execute("COMMIT")

    def t(v: datetime) -> Any:
        return v.strftime("%Y-%m-%d %H:%M:%S.%f") if kind == "sqlite" else v

    for r in _receipts(file):
        at = datetime.fromisoformat(r["occurred_at"]).astimezone(UTC)
        total = 0
        for li in r["lines"]:
            qty = int(Decimal(str(li["qty"])) * 1000)
            unit = int(Decimal(str(li["list_price"])) * 100)
            amount = qty * unit // 1000
            total += amount
            flags = li.get("flags") or []
            if isinstance(flags, str):
                flags = [f for f in flags.split(";") if f]
            pending["receipt_lines"].append(
                (
                    program_id,
                    r["receipt_no"],
                    int(li["line_no"]),
                    li["sku"],
                    li["category"],
                    json.dumps(flags),
                    qty,
                    unit,
                    unit,
                    0,
                    0,
                    0,
                    amount,
                    amount // 100,
                    0,
                    0,
                    0,
                    0,
                )
            )
        points = total // 100
        nid += 1  # noqa: SIM113
        pending["receipts"].append(
            (
                program_id,
                r["receipt_no"],
                r["member_id"],
                1,
                t(at),
                t(now),
                at.date().isoformat(),
                r["store"],
                bool(r["card_presented"]),
                total,
                0,
                0,
                0,
                total,
                total,
                points,
                0,
                0,
                0,
                0,
                0,
            )
        )
        pending["ledger_entries"].append(
            (
                nid,
                program_id,
                r["member_id"],
                "earn",
                points,
                t(at),
                t(now),
                r["receipt_no"],
                "purchase",
            )
        )
        pending["lots"].append(
            (nid, program_id, r["member_id"], nid, points, points, t(at), t(expires))
        )
        count += 1
        rows_pending += 3 + len(r["lines"])
        if rows_pending >= 10_000:
            flush()
            rows_pending = 0
            if kind == "sqlite":
                cur.execute("BEGIN IMMEDIATE")
    flush()
    seconds = time.perf_counter() - start
    conn.close()
    report({"receipts": count, "seconds": seconds})


def prepare(db: Database, preset: str, members: int) -> int:
    """A migrated database with the preset loaded and its members enrolled in bulk."""
    from .common import MEMBER_COLUMNS, load_program

    db.migrate()
    pid = load_program(db, preset)
    tier = "member" if preset == "supermarket" else "gold"
    conn = db.raw()
    if db.kind == "sqlite":
        conn.execute("BEGIN IMMEDIATE")
    rows = member_rows(pid, members, tier, referrals=preset == "jewelry", celebrations=True)
    bulk_insert(db, conn, "members", MEMBER_COLUMNS, rows)
    conn.commit() if db.kind != "sqlite" else conn.execute("COMMIT")
    conn.close()
    return pid


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["engine", "baseline"])
    ap.add_argument("--db", required=True)
    ap.add_argument("--file", required=True, type=Path)
    ap.add_argument("--program")
    ap.add_argument("--program-id", type=int)
    ap.add_argument("--profile")
    a = ap.parse_args()
    if a.mode == "engine":
        engine_run(a.db, a.program, a.file, a.profile)
    else:
        baseline_run(a.db, a.program_id, a.file)


if __name__ == "__main__":
    main()
