"""An import works plain receipts out in memory and writes them a batch at a time
(services/import_batch.py). Whatever the batching, the database must end exactly as if every
receipt had been sent to the till one by one: the same receipts, lines, entries, lots, member
balances, tiers, classes, carries, history and stored answers, and the same refusals.

Every preset is checked: the import (batches of 7, so batches hold several receipts of one
member and some of their referrer) on the test's database against the till's path on a fresh
SQLite database. The receipts mix plain accruals with ones the batch hands to the till's path
(points offsets), members who owe clawed-back points, a referrer, a pending and a cancelled
member, an unknown member and a lost card.
"""

from __future__ import annotations

import base64
import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from huiyuan.domain.identity import luhn_digit
from huiyuan.errors import HuiyuanError
from huiyuan.presets.loader import preset_codes
from huiyuan.security import Sealer
from huiyuan.services import checkout, ledger
from huiyuan.services.context import Context
from huiyuan.services.imports import import_receipts
from huiyuan.services.inputs import PurchaseIn
from huiyuan.services.verify import verify
from huiyuan.store.db import make_engine
from huiyuan.store.schema import (
    allocations,
    cards,
    ledger_entries,
    lots,
    member_history,
    members,
    receipt_lines,
    receipts,
    requests,
)
from tests.conftest import PG_SCHEMAS, TEST_KEY, Clock, load_preset_into

JOINED = datetime(2025, 1, 2, tzinfo=UTC)
CATEGORIES = ["food", "fresh", "diamond", "gold", "silver", "cosmetics", "liquor", "apparel", ""]
FLAGS = ["special_price", "no_points", "promotion", "gift"]
MEMBERS = ["M01", "M02", "M03", "M04", "M05", "M06"]  # M06 is referred by M01
CARD = "8800000001"
LOST = "8800000002"


def _card(prefix: str) -> str:
    return prefix + luhn_digit(prefix)


def _members(ctx: Context, code: str) -> None:
    """Members as enrolment leaves them, written straight in (enrolment rules differ by
    preset and are not what this test is about), plus one owing clawed-back points."""
    with ctx.uow() as uow:
        stored = uow.programs.get(code)
        assert stored is not None
        program, pid = stored.program, stored.program_id
        kind = program.membership.kinds[0]
        tier = next(t.code for t in program.tiers if t.allows(kind))
        status = {"M04": "pending", "M05": "cancelled"}
        for i, mid in enumerate(MEMBERS):
            uow.conn.execute(
                insert(members).values(
                    program_id=pid,
                    member_id=mid,
                    status=status.get(mid, "active"),
                    kind=kind,
                    tier=tier,
                    name=f"会员{i}",
                    birthday=f"1980-{3 + i:02d}-1{i}",
                    is_staff=False,
                    referrer_id="M01" if mid == "M06" else None,
                    joined_at=JOINED,
                    attributes={},
                    stored_value=0,
                    carry={},
                    created_at=JOINED,
                    updated_at=JOINED,
                )
            )
        for card_no, mid, card_status in (
            (_card(CARD), "M02", "active"),
            (_card(LOST), "M03", "lost"),
        ):
            uow.conn.execute(
                insert(cards).values(
                    card_no=card_no,
                    program_id=pid,
                    member_id=mid,
                    status=card_status,
                    issued_at=JOINED,
                )
            )
        # M03 owes 40 points: a clawback with nothing to draw from.
        posting = ledger.Posting(pid, "M03", JOINED, JOINED, ref="C1", reason="test debt")
        ledger.clawback(uow, posting, 40, None)
        uow.commit()


def _receipts(code: str, offsets: bool) -> list[dict[str, Any]]:
    rng = random.Random(code)
    out = []
    for i in range(48):
        lines = []
        for n in range(1, rng.randint(1, 5) + 1):
            price = rng.choice(["9.90", "35.50", "128.00", "499.00", "1999.00", "3000.00"])
            line: dict[str, Any] = {
                "line_no": n,
                "sku": f"S{rng.randrange(40)}",
                "category": rng.choice(CATEGORIES),
                "qty": rng.choice(["1", "2", "1.5"]),
                "list_price": price,
            }
            if rng.random() < 0.2:
                line["member_price"] = f"{int(float(price) * 0.9 * 100) / 100:.2f}"
            if rng.random() < 0.15:
                line["flags"] = [rng.choice(FLAGS)]
            if rng.random() < 0.2:
                line["weight_grams"] = rng.choice(["3.500", "10.000"])
            lines.append(line)
        at = JOINED + timedelta(days=9 * i + 1, hours=rng.randrange(9, 20))
        receipt: dict[str, Any] = {
            "receipt_no": f"R{i:03d}",
            "occurred_at": at.isoformat(),
            "store": f"S{rng.randrange(3)}",
            "lines": lines,
        }
        who = rng.choice([*MEMBERS, "M01", "M06", "M06", "M03", "card", "lost", "M99"])
        if who == "card":
            receipt["card_no"] = _card(CARD)
        elif who == "lost":
            receipt["card_no"] = _card(LOST)
        else:
            receipt["member_id"] = who
        if offsets and i % 6 == 5:
            receipt["points_to_redeem"] = 10
        out.append(receipt)
    return out


# Surrogate ids are compared by rank: a sequence (PostgreSQL) does not give back the numbers
# of a statement undone by a savepoint, so only their order is the same.
IDS = {"ledger_entries": "entry_id", "lots": "lot_id", "allocations": "allocation_id"}
REFS = {"entry_id": "ledger_entries", "last_entry_id": "ledger_entries", "lot_id": "lots"}


def _snapshot(engine: Engine) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    with engine.connect() as conn:
        for table in (
            receipts,
            receipt_lines,
            ledger_entries,
            lots,
            allocations,
            members,
            member_history,
            requests,
        ):
            rows = conn.execute(select(table).order_by(*table.primary_key.columns))
            out[table.name] = [dict(r._mapping) for r in rows]
    rank = {name: {row[key]: i for i, row in enumerate(out[name])} for name, key in IDS.items()}
    for name, rows in out.items():
        for row in rows:
            row.pop("history_id", None)
            for column, target in REFS.items():
                if row.get(column) is not None and column != IDS.get(name):
                    row[column] = rank[target][row[column]]
            if name in IDS:
                row[IDS[name]] = rank[name][row[IDS[name]]]
    return out


def _till_engine(kind: str, sqlite_template: Path, tmp_path: Path) -> tuple[Engine, Any]:
    """A second empty database of the same kind, for the till's path; and how to drop it."""
    if kind == "sqlite":
        path = tmp_path / "till.db"
        shutil.copy(sqlite_template, path)
        return make_engine(f"sqlite:///{path}"), None
    engine, schema = PG_SCHEMAS.take()
    return engine, schema


@pytest.mark.parametrize("code", preset_codes())
def test_import_ends_as_the_till_would(
    code: str, ctx: Context, clock: Clock, sqlite_template: Path, tmp_path: Path
) -> None:
    till_engine, schema = _till_engine(ctx.engine.dialect.name, sqlite_template, tmp_path)
    till = Context(till_engine, Sealer(base64.b64decode(TEST_KEY)), clock=clock)
    for c in (ctx, till):
        load_preset_into(c, code)
        _members(c, code)
    with ctx.uow(write=False) as uow:
        stored = uow.programs.get(code)
        assert stored is not None
        offsets = stored.program.rewards.offset is not None
    rows = _receipts(code, offsets)

    refused_at_till = []
    for row in rows:
        try:
            checkout.commit(till, code, PurchaseIn.model_validate(row))
        except HuiyuanError as exc:
            refused_at_till.append((row["receipt_no"], exc.code))

    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_receipts(ctx, code, path, "skip", batch=7)
    refused_in_import = [
        (rows[line - 1]["receipt_no"], error.split(":")[0]) for line, error in report.errors
    ]

    assert refused_in_import == refused_at_till
    assert ("R000", "x") not in refused_at_till  # keep the lists honest: compare, not build
    assert report.imported == len(rows) - len(refused_at_till) > 30
    assert _snapshot(ctx.engine) == _snapshot(till_engine)
    assert verify(ctx).ok
    till_engine.dispose()
    if schema is not None:
        PG_SCHEMAS.give_back(schema)


def test_an_import_and_the_tills_at_once(ctx: Context, tmp_path: Path) -> None:
    """An import holds its batch's members (PostgreSQL: row locks in id order, as the till takes
    them; SQLite: the one writer) while tills sell to the same members and their referrer: no
    deadlock, every receipt recorded once, and the ledger reconciles."""
    import threading

    load_preset_into(ctx, "jewelry")
    _members(ctx, "jewelry")
    plain = [
        {
            "receipt_no": f"I{i:03d}",
            "member_id": ["M01", "M02", "M06"][i % 3],
            "occurred_at": (JOINED + timedelta(days=1 + i)).isoformat(),
            "lines": [
                {
                    "line_no": 1,
                    "sku": "D1",
                    "category": "diamond",
                    "qty": "1",
                    "list_price": "300.00",
                }
            ],
        }
        for i in range(90)
    ]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in plain), encoding="utf-8")
    till_rows = [
        {**r, "receipt_no": f"T{i:03d}", "member_id": ["M06", "M01", "M02"][i % 3]}
        for i, r in enumerate(plain[:30])
    ]
    failures: list[BaseException] = []

    def tills() -> None:
        for row in till_rows:
            try:
                checkout.commit(ctx, "jewelry", PurchaseIn.model_validate(row))
            except BaseException as exc:  # reported below, not lost in the thread
                failures.append(exc)

    thread = threading.Thread(target=tills)
    thread.start()
    report = import_receipts(ctx, "jewelry", path, "skip", batch=10)
    thread.join(timeout=120)
    assert not thread.is_alive() and failures == []
    assert (report.imported, report.errors) == (90, [])
    with ctx.engine.connect() as conn:
        recorded = conn.execute(select(receipts.c.receipt_no)).scalars().all()
    assert len(recorded) == len(set(recorded)) == 120
    assert verify(ctx).ok
