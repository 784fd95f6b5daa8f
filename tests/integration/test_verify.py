"""Reconciliation: `verify()` and `huiyuan verify` find a deliberately corrupted ledger."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from huiyuan.cli import app
from huiyuan.domain.ledger import EntryKind
from huiyuan.security import Sealer
from huiyuan.services import ledger, members
from huiyuan.services.context import Context
from huiyuan.services.inputs import MemberIn
from huiyuan.services.verify import verify
from huiyuan.store.db import make_engine, upgrade
from tests.conftest import TEST_KEY, Clock, load_preset_into

PROGRAM = "supermarket"
T = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)


def member_with_history(ctx: Context, clock: Clock, phone: str = "13700137001") -> tuple[str, int]:
    """Earn 100 (lot), earn 40 (lot), spend 30, clawback 60 of the second earning.

    Worked by hand: the spend draws 30 from the first lot (it expires first): 100 -> 70.
    The clawback takes the second lot's 40 (40 -> 0), then 60 - 40 = 20 from the first lot:
    70 -> 50. No debt. Balance 100 + 40 - 30 - 60 = 50 = lot remainders 50 + 0.
    Returns (member_id, lot_id of the first lot).
    """
    clock.now = T
    data = MemberIn(name="对账", phone=phone, id_number="11010519491231002X", fee_paid="5.00")
    member_id = members.enroll(ctx, PROGRAM, data)["member_id"]
    with ctx.uow() as uow:
        stored = uow.programs.get(PROGRAM)
        assert stored is not None
        pid = stored.program_id
        uow.members.get(pid, member_id, lock=True)
        p = ledger.Posting(pid, member_id, T, T)
        first = ledger.credit(uow, p, 100, T + timedelta(days=30))
        second = ledger.credit(uow, p, 40, T + timedelta(days=60))
        ledger.debit(uow, p, 30, EntryKind.REDEEM)
        ledger.clawback(uow, p, 60, second)
        lot = uow.ledger.lot_of_entry(first)
        assert lot is not None
        uow.commit()
    with ctx.uow(write=False) as uow:
        row = uow.members.get(pid, member_id)
        assert row is not None
        assert (row.points, row.debt) == (50, 0)
        first_lot = uow.ledger.lot_of_entry(first)
        assert first_lot is not None and first_lot.remaining == 50
    return member_id, lot.lot_id


def corrupt(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)


# -- the service, on both databases


def test_clean_ledger_verifies(ctx: Context, clock: Clock) -> None:
    load_preset_into(ctx, PROGRAM)
    member_with_history(ctx, clock)
    report = verify(ctx, PROGRAM)
    assert report.ok, report.problems
    assert report.members == 1
    assert verify(ctx).ok


def test_corrupted_lot_remaining_is_reported(ctx: Context, clock: Clock, engine: Engine) -> None:
    load_preset_into(ctx, PROGRAM)
    member_id, lot_id = member_with_history(ctx, clock)
    member_with_history(ctx, clock, phone="13700137002")  # an untouched neighbour
    corrupt(engine, "UPDATE lots SET remaining = 55 WHERE lot_id = :lot_id", lot_id=lot_id)
    report = verify(ctx, PROGRAM)
    assert not report.ok
    # The lot: 100 points, drawn 30 (spend) + 20 (clawback) = 50, so 50 expected, 55 found.
    assert f"lot {lot_id} of member {member_id}: remaining 55, expected 50 (of 100)" in (
        report.problems
    )
    # The member: balance 50 = entries 50, but the lots now hold 55 + 0 = 55.
    assert any(
        p.startswith(f"member {member_id}:") and "entries sum 50" in p and "lots hold 55" in p
        for p in report.problems
    ), report.problems
    assert len(report.problems) == 2  # only this member's lot and balance
    assert not verify(ctx).ok  # unscoped too


def test_negative_lot_is_reported(ctx: Context, clock: Clock, engine: Engine) -> None:
    load_preset_into(ctx, PROGRAM)
    member_id, lot_id = member_with_history(ctx, clock)
    corrupt(engine, "UPDATE lots SET remaining = -5 WHERE lot_id = :lot_id", lot_id=lot_id)
    report = verify(ctx, PROGRAM)
    assert f"lot {lot_id} of member {member_id}: remaining -5, expected 50 (of 100)" in (
        report.problems
    )


def test_corrupted_balance_projection_is_reported(
    ctx: Context, clock: Clock, engine: Engine
) -> None:
    load_preset_into(ctx, PROGRAM)
    member_id, _ = member_with_history(ctx, clock)
    corrupt(engine, "UPDATE members SET points = points + 1 WHERE member_id = :m", m=member_id)
    report = verify(ctx, PROGRAM)
    # Balance 50 + 1 = 51, while entries still sum to 50 and lots hold 50; lots are fine.
    assert report.problems == [
        f"member {member_id}: balance 51, debt 0; entries sum 50, lots hold 50, "
        "debt from clawbacks 0"
    ]


# -- the command line, on a SQLite file


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[tuple[str, Context, Clock]]:
    """A SQLite file migrated as `huiyuan init` would (the CLI checks the Alembic version; the
    shared test template is built with create_all and has none)."""
    url = f"sqlite:///{tmp_path / 'verify.db'}"
    engine = make_engine(url)
    upgrade(engine)
    clock = Clock()
    ctx = Context(engine=engine, sealer=Sealer(base64.b64decode(TEST_KEY)), clock=clock)
    load_preset_into(ctx, PROGRAM)
    yield url, ctx, clock
    engine.dispose()


def cli_env() -> dict[str, str]:
    return {"HUIYUAN_SECRET_KEY": os.environ.get("HUIYUAN_SECRET_KEY", TEST_KEY)}


def test_cli_verify_clean_database_exits_zero(sqlite_file: tuple[str, Context, Clock]) -> None:
    url, ctx, clock = sqlite_file
    member_with_history(ctx, clock)
    result = CliRunner().invoke(app, ["verify", "--db", url], env=cli_env())
    assert result.exit_code == 0, result.output
    assert "MISMATCH" not in result.output
    assert "ledger reconciles" in result.stdout


def test_cli_verify_reports_a_corrupted_lot_and_exits_non_zero(
    sqlite_file: tuple[str, Context, Clock],
) -> None:
    url, ctx, clock = sqlite_file
    member_id, lot_id = member_with_history(ctx, clock)
    corrupt(ctx.engine, "UPDATE lots SET remaining = 55 WHERE lot_id = :lot_id", lot_id=lot_id)
    ctx.engine.dispose()

    result = CliRunner().invoke(app, ["verify", "--db", url], env=cli_env())
    assert result.exit_code != 0
    mismatches = [line for line in result.stdout.splitlines() if line.startswith("MISMATCH")]
    # The lot (55 held, 100 - 30 - 20 = 50 expected) and its member's balance: 2 lines.
    assert f"MISMATCH lot {lot_id} of member {member_id}: remaining 55, expected 50 (of 100)" in (
        mismatches
    )
    assert len(mismatches) == 2
    assert "ledger reconciles" not in result.stdout

    # The same through the installed entry point, as an operator would run it.
    exe = Path(sys.executable).with_name("huiyuan")
    proc = subprocess.run(
        [str(exe), "verify", "--db", url, "--program", PROGRAM],
        env={**os.environ, **cli_env()},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert f"MISMATCH lot {lot_id} of member {member_id}" in proc.stdout
    assert "2 mismatch(es) found" in proc.stderr


def test_cli_verify_unknown_program_exits_non_zero(
    sqlite_file: tuple[str, Context, Clock],
) -> None:
    url, _, _ = sqlite_file
    result = CliRunner().invoke(app, ["verify", "--db", url, "--program", "nosuch"], env=cli_env())
    assert result.exit_code != 0
    assert "MISMATCH no program 'nosuch'" in result.stdout
