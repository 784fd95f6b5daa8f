"""The expiry job killed half-way (SIGKILL, a separate process) and run again: every balance is
right, no point expires twice, no member is lost, and `huiyuan verify` is clean.

The database is a SQLite file shared with the `huiyuan` subprocesses. The job runs in chunks
of 5 members (HUIYUAN_JOB_CHUNK), each chunk committing its expiry entries together with the
run's cursor and progress; the test kills the process as soon as the run's record shows
progress, so the kill lands between chunks or inside one.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command

from huiyuan.domain.ledger import EntryKind
from huiyuan.jobs import run_job
from huiyuan.security import Sealer
from huiyuan.services import ledger
from huiyuan.services.context import Context
from huiyuan.services.inputs import MemberIn
from huiyuan.services.members import enroll
from huiyuan.store.db import alembic_config, make_engine
from huiyuan.store.schema import metadata
from tests.conftest import TEST_KEY, Clock, load_preset_into

MEMBERS = 150
CODE = "sales_points"
EARNED = datetime.fromisoformat("2026-03-01T10:00:00+08:00")
SPENT = datetime.fromisoformat("2026-06-01T10:00:00+08:00")
CLEARS = datetime.fromisoformat("2027-01-01T00:00:00+08:00")
NEXT = datetime.fromisoformat("2028-01-01T00:00:00+08:00")
AS_OF = "2027-01-01T00:00:00+08:00"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from huiyuan.cli import main; main()", *args]


def expected(i: int) -> tuple[int, int]:
    """Member i: lot A of 100 + i % 37 points clearing 2027-01-01, of which i % 11 were spent;
    lot B of 5 + i % 3 clearing 2028-01-01. → (points expiring on 2027-01-01, points left)."""
    a, spent, b = 100 + i % 37, i % 11, 5 + i % 3
    return a - spent, b


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> tuple[str, Context]:
    """A SQLite file (the subprocesses share it; PostgreSQL runs the same job code in the
    other tests) with MEMBERS members."""
    path = tmp_path / "crash.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    metadata.create_all(engine)
    command.stamp(alembic_config(engine), "head")  # `huiyuan` finds the schema up to date
    sealer = Sealer(base64.b64decode(TEST_KEY))
    file_ctx = Context(engine=engine, sealer=sealer, clock=clock)
    load_preset_into(file_ctx, CODE)
    with file_ctx.uow(write=False) as uow:
        stored = uow.programs.get(CODE)
    assert stored is not None
    for i in range(MEMBERS):
        data = MemberIn(name=f"M{i}", phone=f"139{i:08d}", joined_at=EARNED)
        mid = enroll(file_ctx, CODE, data)["member_id"]
        a, spent, b = 100 + i % 37, i % 11, 5 + i % 3
        with file_ctx.uow() as uow:
            now = file_ctx.now()
            p = ledger.Posting(stored.program_id, mid, EARNED, now, ref=f"seed-{i}")
            ledger.credit(uow, p, a, CLEARS)
            ledger.credit(uow, p, b, NEXT)
            if spent:
                q = ledger.Posting(stored.program_id, mid, SPENT, now, ref=f"spend-{i}")
                # Soonest expiry first: the spend draws lot A.
                ledger.debit(uow, q, spent, EntryKind.REDEEM)
            uow.commit()
    engine.dispose()
    return url, file_ctx


def job_run(path: str) -> tuple[str, int] | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute(
            "SELECT status, processed FROM job_runs WHERE job = 'expire_points'"
        ).fetchone()
    except sqlite3.OperationalError:  # locked for a moment: ask again
        return None
    finally:
        conn.close()
    return None if row is None else (str(row[0]), int(row[1]))


def test_expiry_job_killed_half_way_resumes_without_double_expiry(db, tmp_path):
    url, ctx = db
    path = url.removeprefix("sqlite:///")
    env = {
        **os.environ,
        "HUIYUAN_JOB_CHUNK": "5",
        "HUIYUAN_SCHEDULER": "0",
        "HUIYUAN_JOB_DRILL_PAUSE": "0.05",  # 30 chunks: 1.5 s in which to kill it half-way
    }
    args = cli("jobs", "run", "expire_points", "--program", CODE, "--as-of", AS_OF, "--db", url)
    first = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed_at = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None:
        run = job_run(path)
        if run is not None and run[0] == "running" and run[1] > 0:
            first.send_signal(signal.SIGKILL)
            killed_at = run[1]
            break
        time.sleep(0.002)
    first.wait(30)
    assert killed_at is not None, f"the job finished before it could be killed: {first.stdout}"
    assert first.returncode == -signal.SIGKILL
    status, processed = job_run(path) or ("?", -1)
    # Half-way: the run is still `running`, with some members done and some not.
    assert status == "running"
    assert 0 < processed < MEMBERS, processed
    assert processed % 5 == 0  # progress is only ever saved with a whole chunk

    second = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    result = json.loads(second.stdout[second.stdout.index("{") :])
    total = sum(expected(i)[0] for i in range(MEMBERS))
    # The resumed run reports the whole run: every member once, every point once.
    assert result["processed"] == MEMBERS
    assert result["points_expired"] == total
    assert result["repeated"] is False

    engine = make_engine(url)
    try:
        from sqlalchemy import func, select

        from huiyuan.store.schema import ledger_entries, members

        with engine.connect() as conn:
            rows = conn.execute(
                select(members.c.name, members.c.points).where(members.c.name.like("M%"))
            ).all()
            assert len(rows) == MEMBERS
            for name, points in rows:
                assert points == expected(int(name[1:]))[1], name
            per_member = conn.execute(
                select(ledger_entries.c.member_id, func.count(), func.sum(ledger_entries.c.points))
                .where(ledger_entries.c.kind == "expire")
                .group_by(ledger_entries.c.member_id)
            ).all()
            assert len(per_member) == MEMBERS  # no member lost
            assert all(count == 1 for _, count, _ in per_member)  # none expired twice
            assert -sum(int(s) for _, _, s in per_member) == total
    finally:
        engine.dispose()

    # Once finished, the same run is a repeat that changes nothing.
    again = run_job(ctx, CODE, "expire_points", datetime.fromisoformat(AS_OF))
    assert (again["repeated"], again["processed"]) == (True, MEMBERS)
    verify = subprocess.run(cli("verify", "--db", url), env=env, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "ledger reconciles" in verify.stdout
