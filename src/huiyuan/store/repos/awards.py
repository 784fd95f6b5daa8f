"""Daily check-ins and product reviews: each may be rewarded once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, insert, select

from ...domain.records.receipts import CheckIn
from ..schema import check_ins, reviews


class AwardRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def check_in(self, program_id: int, member_id: str, day: date) -> CheckIn | None:
        row = self.conn.execute(
            select(check_ins).where(
                check_ins.c.program_id == program_id,
                check_ins.c.member_id == member_id,
                check_ins.c.day == day,
            )
        ).first()
        return CheckIn(**row._mapping) if row is not None else None

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

    def reviewed(self, program_id: int, receipt_no: str, line_no: int) -> bool:
        return (
            self.conn.execute(
                select(reviews.c.line_no).where(
                    reviews.c.program_id == program_id,
                    reviews.c.receipt_no == receipt_no,
                    reviews.c.line_no == line_no,
                )
            ).first()
            is not None
        )

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
