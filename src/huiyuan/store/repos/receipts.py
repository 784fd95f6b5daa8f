"""Receipts, their lines, and the spend metrics tiers are measured by."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from ...domain.money import ZERO, money
from ...domain.records.receipts import Receipt, ReceiptLine
from ..schema import receipt_lines, receipts


class ReceiptRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, values: dict[str, Any], lines: list[dict[str, Any]]) -> None:
        self.conn.execute(insert(receipts), values)
        self.conn.execute(insert(receipt_lines), lines)

    def add_many(self, values: list[dict[str, Any]], lines: list[dict[str, Any]]) -> None:
        """Many receipts and all their lines: one statement each, however many."""
        if values:
            self.conn.execute(insert(receipts), values)
            self.conn.execute(insert(receipt_lines), lines)

    def get(self, program_id: int, receipt_no: str) -> Receipt | None:
        row = self.conn.execute(
            select(receipts).where(
                receipts.c.program_id == program_id, receipts.c.receipt_no == receipt_no
            )
        ).first()
        return Receipt(**row._mapping) if row is not None else None

    def lines(self, program_id: int, receipt_no: str) -> list[ReceiptLine]:
        rows = self.conn.execute(
            select(receipt_lines)
            .where(
                receipt_lines.c.program_id == program_id,
                receipt_lines.c.receipt_no == receipt_no,
            )
            .order_by(receipt_lines.c.line_no)
        )
        return [ReceiptLine(**row._mapping) for row in rows]

    def update_line(self, program_id: int, receipt_no: str, line_no: int, **values: Any) -> None:
        self.conn.execute(
            update(receipt_lines)
            .where(
                receipt_lines.c.program_id == program_id,
                receipt_lines.c.receipt_no == receipt_no,
                receipt_lines.c.line_no == line_no,
            )
            .values(**values)
        )

    def update(self, program_id: int, receipt_no: str, **values: Any) -> None:
        self.conn.execute(
            update(receipts)
            .where(receipts.c.program_id == program_id, receipts.c.receipt_no == receipt_no)
            .values(**values)
        )

    def spend(
        self,
        program_id: int,
        member_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[Decimal, int]:
        """Net paid money and the number of receipts in [since, until)."""
        query = select(func.coalesce(func.sum(receipts.c.paid_net), 0), func.count()).where(
            receipts.c.program_id == program_id, receipts.c.member_id == member_id
        )
        if since is not None:
            query = query.where(receipts.c.occurred_at >= since)
        if until is not None:
            query = query.where(receipts.c.occurred_at < until)
        total, count = self.conn.execute(query).one()
        # coalesce(sum(MoneyFen)) already comes back as yuan: the column's type carries over
        # to sum and coalesce.
        return money(total) if total is not None else ZERO, int(count)

    def category_points(
        self, program_id: int, member_id: str, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Points earned (net of returns) per category by receipts in [since, until)."""
        net = func.sum(receipt_lines.c.points - receipt_lines.c.points_reversed)
        rows = self.conn.execute(
            select(receipt_lines.c.category, net)
            .select_from(
                receipt_lines.join(
                    receipts,
                    (receipts.c.program_id == receipt_lines.c.program_id)
                    & (receipts.c.receipt_no == receipt_lines.c.receipt_no),
                )
            )
            .where(
                receipts.c.program_id == program_id,
                receipts.c.member_id == member_id,
                receipts.c.occurred_at >= since,
                receipts.c.occurred_at < until,
            )
            .group_by(receipt_lines.c.category)
        )
        return {r[0]: int(r[1] or 0) for r in rows}

    def count(self, program_id: int, member_id: str) -> int:
        return int(
            self.conn.execute(
                select(func.count()).where(
                    receipts.c.program_id == program_id, receipts.c.member_id == member_id
                )
            ).scalar_one()
        )
