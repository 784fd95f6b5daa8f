"""Daily check-ins and product reviews: each may be rewarded once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from ..schema import check_ins, reviews


class AwardRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def check_in(self, program_id: int, member_id: str, day: date) -> Row[Any] | None:
        return self.conn.execute(
            select(check_ins).where(
                check_ins.c.program_id == program_id,
                check_ins.c.member_id == member_id,
                check_ins.c.day == day,
            )
        ).first()

    def add_check_in(
        self, program_id: int, member_id: str, day: date, streak: int, points: int, at: datetime
    ) -> None:
        self.conn.execute(
            insert(check_ins).values(
                program_id=program_id,
                member_id=member_id,
                day=day,
                streak=streak,
                points=points,
                occurred_at=at,
            )
        )

    def review(self, program_id: int, receipt_no: str, line_no: int) -> Row[Any] | None:
        return self.conn.execute(
            select(reviews).where(
                reviews.c.program_id == program_id,
                reviews.c.receipt_no == receipt_no,
                reviews.c.line_no == line_no,
            )
        ).first()

    def add_review(
        self,
        program_id: int,
        receipt_no: str,
        line_no: int,
        member_id: str,
        points: int,
        at: datetime,
    ) -> None:
        self.conn.execute(
            insert(reviews).values(
                program_id=program_id,
                receipt_no=receipt_no,
                line_no=line_no,
                member_id=member_id,
                points=points,
                occurred_at=at,
            )
        )
