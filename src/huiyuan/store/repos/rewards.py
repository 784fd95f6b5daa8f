"""Vouchers, redemptions and gift stock."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from ...domain.records.rewards import Redemption, Stock, Voucher
from ...domain.statuses import VoucherStatus
from ..schema import redemptions, reward_stock, vouchers


def voucher_of(row: Row[Any]) -> Voucher:
    """The record of a `select(vouchers)` row."""
    return Voucher(**{**row._mapping, "status": VoucherStatus(row.status)})


class RewardRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- vouchers

    def voucher(self, code: str) -> Voucher | None:
        row = self.conn.execute(select(vouchers).where(vouchers.c.code == code)).first()
        return None if row is None else voucher_of(row)

    def code_taken(self, code: str) -> bool:
        found = self.conn.execute(select(vouchers.c.code).where(vouchers.c.code == code))
        return found.first() is not None

    def add_voucher(self, voucher: Voucher) -> None:
        self.conn.execute(insert(vouchers).values(**asdict(voucher)))

    def use_voucher(self, code: str, receipt_no: str, at: datetime) -> bool:
        """Marks an issued voucher used; False if someone used it first."""
        result = self.conn.execute(
            update(vouchers)
            .where(vouchers.c.code == code, vouchers.c.status == VoucherStatus.ISSUED.value)
            .values(status=VoucherStatus.USED.value, used_receipt=receipt_no, used_at=at)
        )
        return result.rowcount == 1

    def member_vouchers(self, program_id: int, member_id: str) -> list[Voucher]:
        rows = self.conn.execute(
            select(vouchers)
            .where(vouchers.c.program_id == program_id, vouchers.c.member_id == member_id)
            .order_by(vouchers.c.issued_at.desc())
        )
        return [voucher_of(row) for row in rows]

    # -- redemptions

    def add_redemption(self, redemption: Redemption) -> None:
        self.conn.execute(insert(redemptions).values(**asdict(redemption)))

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

    def stock(self, program_id: int) -> dict[str, Stock]:
        """The stock rows of a program's gifts, by reward (a gift never redeemed has none)."""
        rows = self.conn.execute(
            select(reward_stock).where(reward_stock.c.program_id == program_id)
        )
        return {row.reward: Stock(**row._mapping) for row in rows}
