"""3. Year-end expiry: the `expire_points` job over N members and 5N lots, against one
set-based UPDATE of the same lots on a copy of the database."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from .common import Database, huiyuan, load_program, scale
from .ledger_data import expiry_data

AS_OF = "2027-01-01T00:00:00+08:00"


def run(kind: str, workdir: Path) -> dict[str, Any]:
    sc = scale()
    n, per = sc.expiry_members, sc.lots_per_member
    db = Database(kind, workdir, "expiry")
    try:
        t = time.perf_counter()
        db.migrate()
        pid = load_program(db, "supermarket")
        points = expiry_data(db, pid, n, per)
        setup_s = time.perf_counter() - t

        # Baseline first, on the same rows and indexes: one UPDATE, timed to its commit point,
        # then rolled back (cheaper than copying a database of millions of rows).
        conn = db.raw()
        cur = conn.cursor()
        if kind == "sqlite":
            cur.execute("BEGIN IMMEDIATE")
        at = "'2026-12-31 16:00:00.000000'" if kind == "sqlite" else f"'{AS_OF}'"
        t = time.perf_counter()
        cur.execute(
            f"UPDATE lots SET remaining = 0 WHERE program_id = {pid} AND remaining > 0 "
            f"AND expires_at <= {at}"
        )
        updated = cur.rowcount
        base_s = time.perf_counter() - t
        if kind == "sqlite":
            cur.execute("ROLLBACK")
        else:
            conn.rollback()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE lots")
        conn.close()

        code, out, job_s = huiyuan(
            [
                "jobs",
                "run",
                "expire_points",
                "--program",
                "supermarket",
                "--as-of",
                AS_OF,
                "--db",
                db.url,
            ]
        )
        if code != 0:
            raise RuntimeError(f"expire_points failed: {out[-2000:]}")
        result = json.loads(out[out.index("{") :])
        vcode, vout, verify_s = huiyuan(["verify", "--db", db.url])
        # Startup of the CLI alone (imports, engine, migration check), to read the job's own time.
        _, _, startup_s = huiyuan(["program", "list", "--db", db.url])
        return {
            "members": n,
            "lots": n * per,
            "setup_s": setup_s,
            "job_s": job_s,
            "cli_startup_s": startup_s,
            "points_expired": result.get("points_expired"),
            "points_expected": points,
            "processed": result.get("processed"),
            "verify_ok": vcode == 0,
            "verify_s": verify_s,
            "verify_out": vout.splitlines()[-1] if vout else "",
            "baseline_s": base_s,
            "baseline_rows": updated,
        }
    finally:
        db.drop()
