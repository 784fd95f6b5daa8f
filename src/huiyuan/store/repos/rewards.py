"""Vouchers, redemptions and gift stock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from ..schema import redemptions, reward_stock, vouchers


class RewardRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- vouchers

    def voucher(self, code: str) -> Row[Any] | None:
        return self.conn.execute(select(vouchers).where(vouchers.c.code == code)).first()

    def code_taken(self, code: str) -> bool:
        return self.voucher(code) is not None

    def add_voucher(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(vouchers).values(**values))

    def use_voucher(self, code: str, receipt_no: str, at: datetime) -> bool:
        """Marks an issued voucher used; False if someone used it first."""
        result = self.conn.execute(
            update(vouchers)
            .where(vouchers.c.code == code, vouchers.c.status == "issued")
            .values(status="used", used_receipt=receipt_no, used_at=at)
        )
        return result.rowcount == 1

    def member_vouchers(self, program_id: int, member_id: str) -> list[Row[Any]]:
        return list(
            self.conn.execute(
                select(vouchers)
                .where(vouchers.c.program_id == program_id, vouchers.c.member_id == member_id)
                .order_by(vouchers.c.issued_at.desc())
            )
        )

    # -- redemptions

    def add_redemption(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(redemptions).values(**values))

    def member_redemptions(self, program_id: int, member_id: str) -> list[Row[Any]]:
        return list(
            self.conn.execute(
                select(redemptions)
                .where(redemptions.c.program_id == program_id, redemptions.c.member_id == member_id)
                .order_by(redemptions.c.occurred_at.desc())
            )
        )

    # -- stock

    def take_stock(self, program_id: int, reward: str, initial: int, quantity: int) -> bool:
        """Atomically takes `quantity` units; False when fewer remain (never below zero)."""
        exists = self.conn.execute(
            select(reward_stock.c.remaining).where(
                reward_stock.c.program_id == program_id, reward_stock.c.reward == reward
            )
        ).first()
        if exists is None:
            self.conn.execute(
                insert(reward_stock).values(program_id=program_id, reward=reward, remaining=initial)
            )
        result = self.conn.execute(
            update(reward_stock)
            .where(
                reward_stock.c.program_id == program_id,
                reward_stock.c.reward == reward,
                reward_stock.c.remaining >= quantity,
            )
            .values(remaining=reward_stock.c.remaining - quantity)
        )
        return result.rowcount == 1

    def stock_left(self, program_id: int, reward: str) -> int | None:
        return self.conn.execute(
            select(reward_stock.c.remaining).where(
                reward_stock.c.program_id == program_id, reward_stock.c.reward == reward
            )
        ).scalar()
