"""Writing report rows as Excel (openpyxl) or CSV files."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font


def write_rows(rows: Sequence[Mapping[str, Any]], path: Path, title: str) -> None:
    """The rows as a sheet (or CSV for a .csv path), the first row's keys as the headers."""
    headers = list(rows[0]) if rows else []
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
            writer = csv.DictWriter(fh, fieldnames=headers)
            writer.writeheader()
            writer.writerows(rows)
        return
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[h] for h in headers])
    book.save(path)
