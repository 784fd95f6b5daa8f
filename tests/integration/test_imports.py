"""`import receipts`: batches without a savepoint per receipt give the same outcome as one
savepoint per receipt, duplicates are skipped, bad rows reported by line, and a receipt refused
after its first write leaves nothing behind (its batch is redone receipt by receipt)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from huiyuan.services.imports import import_receipts
from huiyuan.services.verify import verify
from huiyuan.store.schema import ledger_entries, lots, receipts

ID = "11010519491231002X"
JOINED = "2026-01-05T10:00:00+08:00"


def _enroll(api: Any, phone: str, **extra: Any) -> str:
    body = {"name": "李静", "phone": phone, "id_number": ID, "joined_at": JOINED, **extra}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    return str(r.json()["member_id"])


def _receipt(no: str, member: str, day: int, **extra: Any) -> dict[str, Any]:
    return {
        "receipt_no": no,
        "member_id": member,
        "occurred_at": f"2026-03-{day:02d}T10:00:00+08:00",
        "lines": [
            {"line_no": 1, "sku": "A1", "category": "diamond", "qty": "1", "list_price": "3000.00"},
            {
                "line_no": 2,
                "sku": "A2",
                "category": "silver",
                "qty": "1",
                "list_price": "120.00",
                "weight_grams": "10.000",
            },
        ],
        **extra,
    }


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _count(ctx: Any, table: Any) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_import_batches_duplicates_errors_and_redo(make_api: Any, ctx: Any, tmp_path: Path) -> None:
    api = make_api("jewelry")
    a = _enroll(api, "13800138000")
    b = _enroll(api, "13800138001", referrer_id=a)
    rows: list[Any] = [
        _receipt("R1", a, 1),
        _receipt("R2", b, 2),
        _receipt("R3", b, 3, account_user="U9"),  # refused after the receipt row is written
        _receipt("R4", a, 4),
        "not an object",
        _receipt("R1", a, 1),  # a resend: skipped
        {**_receipt("R2", b, 2), "store": "X"},  # same number, other content: an error
        _receipt("R5", "M_NOBODY", 5),
    ]
    path = _write(tmp_path / "r.jsonl", rows)
    report = import_receipts(ctx, "jewelry", path, "skip", batch=3)
    assert report.read == 8
    assert report.imported == 3
    assert report.skipped_duplicates == 1
    lines = [n for n, _ in report.errors]
    assert lines == [3, 5, 7, 8]
    assert report.errors[0][1].startswith("not_authorised_user")
    assert _count(ctx, receipts) == 3
    # every earn made a lot; the referred receipt also credited the referrer
    assert _count(ctx, lots) == _count(ctx, ledger_entries) == 4

    # Run again: all recorded receipts are duplicates, nothing new is written.
    again = import_receipts(ctx, "jewelry", path, "skip", batch=1000)
    assert again.imported == 0 and again.skipped_duplicates == 4
    assert _count(ctx, receipts) == 3

    with ctx.uow(write=False) as uow:
        earned = uow.conn.execute(select(func.sum(receipts.c.points_earned))).scalar_one()
        shares = uow.conn.execute(select(func.sum(receipts.c.referral_share))).scalar_one()
    assert report.points == earned and shares > 0
    assert verify(ctx).ok


def test_import_stops_at_the_first_error(make_api: Any, ctx: Any, tmp_path: Path) -> None:
    api = make_api("jewelry")
    a = _enroll(api, "13800138002")
    rows = [_receipt("S1", a, 1), _receipt("S2", a, 2, account_user="U9"), _receipt("S3", a, 3)]
    report = import_receipts(ctx, "jewelry", _write(tmp_path / "s.jsonl", rows), "stop", 10)
    assert report.stopped_at == 2
    assert report.read == 2 and report.imported == 1
    assert _count(ctx, receipts) == 1


def test_a_receipt_recorded_meanwhile_is_a_duplicate_not_a_failed_batch(
    make_api: Any, ctx: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A till records R2 after the import looked its batch's numbers up: writing the batch
    clashes, and the batch is redone receipt by receipt, finding R2 recorded."""
    from huiyuan.services import checkout, imports
    from huiyuan.services.inputs import PurchaseIn

    api = make_api("jewelry")
    a = _enroll(api, "13800138003")
    rows = [_receipt("R1", a, 1), _receipt("R2", a, 2), _receipt("R3", a, 3)]
    checkout.commit(ctx, "jewelry", PurchaseIn.model_validate(rows[1]))
    real_known = imports._known
    calls: list[int] = []

    def stale_first(*args: Any) -> dict[str, str]:
        calls.append(1)
        return {} if len(calls) == 1 else real_known(*args)

    monkeypatch.setattr(imports, "_known", stale_first)
    report = import_receipts(ctx, "jewelry", _write(tmp_path / "m.jsonl", rows), "skip", 10)
    assert len(calls) == 2  # the batch was redone
    assert (report.imported, report.skipped_duplicates, report.errors) == (2, 1, [])
    assert _count(ctx, receipts) == 3
    # R2 at the till, at gold: 3000 diamond 95折 = 2850 → 950 points (per 3.00), silver 120 less
    # 10 g × 5.00 = 70 → 70 points; 1020 cumulative makes the member platinum. R1 and R3 at
    # platinum: 3000 × 0.90 = 2700 → 900, silver again 70: 970 each, recorded once each.
    assert report.points == 2 * 970
    assert verify(ctx).ok
