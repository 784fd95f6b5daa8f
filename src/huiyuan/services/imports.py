"""Importing historical receipts (CSV or JSON lines) through the full rule engine and ledger.

Streaming: the file is read row by row and committed in batches, so memory stays flat however
long the file. Idempotent by receipt number: a receipt already recorded with the same content is
skipped, with other content it is a reported error. A bad row is reported with its line number,
and the import either skips it or stops there, as the caller chooses.

A batch of receipts is worked out in memory and written with one statement per table
(import_batch.py); a refused receipt has written nothing by then, so it never takes its batch
down with it; a receipt taken through the till's path runs in a savepoint of its own. Should
writing the batch clash (a receipt number recorded meanwhile by a till), the batch is undone and
redone receipt by receipt, each in a savepoint.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from ..errors import HuiyuanError
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .context import Context, require_program
from .import_batch import AccrualBatch, commit_in_savepoint
from .inputs import PurchaseIn, moment
from .results.till import PurchaseAnswer

CSV_REQUIRED = ("receipt_no", "line_no", "sku", "qty", "list_price")
CSV_LINE_FIELDS = ("line_no", "sku", "category", "qty", "list_price", "price", "member_price")
CSV_RECEIPT_FIELDS = (
    "receipt_no",
    "member_id",
    "card_no",
    "occurred_at",
    "store",
    "merchant",
    "card_presented",
)


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    skipped_duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    stopped_at: int | None = None
    points: int = 0

    def snapshot(self) -> tuple[int, int, int, int, int | None, int]:
        return (
            self.read,
            self.imported,
            self.skipped_duplicates,
            len(self.errors),
            self.stopped_at,
            self.points,
        )

    def restore(self, saved: tuple[int, int, int, int, int | None, int]) -> None:
        self.read, self.imported, self.skipped_duplicates, n, self.stopped_at, self.points = saved
        del self.errors[n:]

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "imported": self.imported,
            "skipped_duplicates": self.skipped_duplicates,
            "errors": [{"line": n, "error": e} for n, e in self.errors],
            "stopped_at": self.stopped_at,
            "points": self.points,
        }


class RowError(ValueError):
    pass


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    with path.open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield number, RowError(f"not valid JSON: {exc.msg}")
                continue
            if not isinstance(data, dict):
                yield number, RowError("a line must be a JSON object (one receipt)")
                continue
            yield number, data


def _csv(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """One row per receipt line; consecutive rows with the same receipt_no form a receipt."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(CSV_REQUIRED) - set(reader.fieldnames or [])
        if missing:
            yield 1, RowError(f"CSV header lacks {sorted(missing)}")
            return
        current: dict[str, Any] | None = None
        start = 0
        for row in reader:
            if current is not None and row["receipt_no"] != current["receipt_no"]:
                yield start, current
                current = None
            if current is None:
                start = reader.line_num
                current = _csv_receipt(row)
            current["lines"].append(_csv_line(row))
        if current is not None:
            yield start, current


def _filled(row: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: row[k] for k in names if row.get(k) not in (None, "")}


def _csv_receipt(row: dict[str, str]) -> dict[str, Any]:
    """A receipt's fields from its first row, its lines still to come."""
    receipt = _filled(row, CSV_RECEIPT_FIELDS)
    if "card_presented" in receipt:
        receipt["card_presented"] = receipt["card_presented"].lower() in ("1", "true", "yes")
    receipt["lines"] = []
    return receipt


def _csv_line(row: dict[str, str]) -> dict[str, Any]:
    line = _filled(row, CSV_LINE_FIELDS)
    if str(line.get("line_no", "")).isdigit():
        line["line_no"] = int(line["line_no"])
    if row.get("flags"):
        line["flags"] = [f for f in row["flags"].split(";") if f]
    if row.get("weight_grams"):
        line["weight_grams"] = row["weight_grams"]
    return line


def read_receipts(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    if path.suffix.lower() == ".csv":
        return _csv(path)
    return _jsonl(path)


def import_receipts(
    ctx: Context,
    program_code: str,
    path: Path,
    on_error: str = "skip",
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    rows = read_receipts(path)
    done = False
    while not done:
        chunk = list(islice(rows, batch))
        if not chunk:
            break
        before = report.snapshot()
        try:
            # Optimistic: worked out in memory and written once. Should the writing clash (a
            # receipt number recorded meanwhile by a till), the batch is undone and redone
            # receipt by receipt in savepoints, which reports the clashing receipt alone.
            pending, done = _batch(ctx, program_code, chunk, on_error, report, careful=False)
        except _Redo:
            report.restore(before)
            pending, done = _batch(ctx, program_code, chunk, on_error, report, careful=True)
        if len(chunk) < batch:
            done = True
        if progress and pending:
            progress(pending)
    return report


class _Redo(Exception):
    """Writing the batch clashed: redo it with a savepoint per receipt."""


def _batch(
    ctx: Context,
    program_code: str,
    chunk: list[tuple[int, dict[str, Any] | RowError]],
    on_error: str,
    report: ImportReport,
    careful: bool,
) -> tuple[int, bool]:
    """One transaction for the batch; (receipts handled, stop the import)."""
    pending = 0
    done = False
    parsed = [(number, _parse(row)) for number, row in chunk]
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        # The idempotency records of the whole batch in one query; receipts recorded earlier
        # in this batch are added as they are recorded.
        known = _known(uow, stored.program_id, parsed)
        held = None
        if not careful:
            held = AccrualBatch(uow, stored)
            held.prepare([p for _, p in parsed if isinstance(p, PurchaseIn)])
        for number, data in parsed:
            report.read += 1
            outcome = _one(ctx, uow, stored, number, data, report, known, held)
            pending += 1
            if outcome == "error" and on_error == "stop":
                report.stopped_at = number
                done = True
                break
        if held is not None:
            try:
                held.flush()
            except IntegrityError as exc:  # e.g. the same receipt recorded meanwhile
                raise _Redo from exc
        uow.commit()
    return pending, done


def _parse(row: dict[str, Any] | RowError) -> PurchaseIn | RowError:
    if isinstance(row, RowError):
        return row
    try:
        return PurchaseIn.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return RowError(f"{where}: {first['msg']}")


def _known(
    uow: UnitOfWork, program_id: int, parsed: list[tuple[int, PurchaseIn | RowError]]
) -> dict[str, str]:
    refs = sorted({data.receipt_no for _, data in parsed if isinstance(data, PurchaseIn)})
    return uow.requests.body_hashes(program_id, "purchase", refs)


def _one(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    number: int,
    data: PurchaseIn | RowError,
    report: ImportReport,
    known: dict[str, str],
    held: AccrualBatch | None,
) -> str:
    """One receipt: worked out in memory by the batch (`held`), or through the till's path in a
    savepoint of its own when the batch is redone receipt by receipt (`held` None)."""
    if isinstance(data, RowError):
        report.errors.append((number, str(data)))
        return "error"
    fingerprint = ctx.fingerprint(data)
    if data.receipt_no in known:
        if known[data.receipt_no] == fingerprint:
            report.skipped_duplicates += 1
            return "duplicate"
        report.errors.append((number, f"receipt {data.receipt_no} exists with other content"))
        return "error"
    try:
        answer = _record(ctx, uow, stored, data, fingerprint, held)
    except HuiyuanError as exc:
        report.errors.append((number, f"{exc.code}: {exc.detail}"))
        return "error"
    known[data.receipt_no] = fingerprint
    report.imported += 1
    report.points += answer["points_earned"]
    return "ok"


def _record(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    data: PurchaseIn,
    fingerprint: str,
    held: AccrualBatch | None,
) -> PurchaseAnswer:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    if held is None:
        return commit_in_savepoint(ctx, uow, stored, data, at, now, fingerprint)
    # Refused before anything is held, or on the till's path in a savepoint of its own.
    answer = held.record(data, at, now, fingerprint)
    return answer if answer is not None else held.till(ctx, data, at, now, fingerprint)
