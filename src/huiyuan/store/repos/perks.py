"""Entitlement uses, lottery draws, authorised account users and consent records."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select

from ...domain.records.rewards import AccountUser, EntitlementUse, LotteryDraw
from ...domain.statuses import AccountUserStatus
from ..schema import account_users, consents, entitlement_uses, lottery_draws


def _user_of(row: Row[Any]) -> AccountUser:
    return AccountUser(**{**row._mapping, "status": AccountUserStatus(row.status)})


class PerkRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def uses(self, program_id: int, member_id: str, code: str, period_key: str) -> int:
        return int(
            self.conn.execute(
                select(func.count()).where(
                    entitlement_uses.c.program_id == program_id,
                    entitlement_uses.c.member_id == member_id,
                    entitlement_uses.c.code == code,
                    entitlement_uses.c.period_key == period_key,
                )
            ).scalar_one()
        )

    def add_use(self, use: EntitlementUse) -> None:
        self.conn.execute(insert(entitlement_uses).values(**asdict(use)))

    def add_draw(self, draw: LotteryDraw) -> None:
        self.conn.execute(insert(lottery_draws).values(**asdict(draw)))

    def draws(self, program_id: int, member_id: str) -> list[LotteryDraw]:
        rows = self.conn.execute(
            select(lottery_draws)
            .where(
                lottery_draws.c.program_id == program_id,
                lottery_draws.c.member_id == member_id,
            )
            .order_by(lottery_draws.c.occurred_at)
        )
        return [LotteryDraw(**row._mapping) for row in rows]

    def add_user(self, user: AccountUser) -> None:
        self.conn.execute(insert(account_users).values(**asdict(user)))

    def users(self, program_id: int, member_id: str) -> list[AccountUser]:
        rows = self.conn.execute(
            select(account_users)
            .where(
                account_users.c.program_id == program_id,
                account_users.c.member_id == member_id,
            )
            .order_by(account_users.c.added_at)
        )
        return [_user_of(row) for row in rows]

    def user(self, program_id: int, member_id: str, user_no: str) -> AccountUser | None:
        row = self.conn.execute(
            select(account_users).where(
                account_users.c.program_id == program_id,
                account_users.c.member_id == member_id,
                account_users.c.user_no == user_no,
            )
        ).first()
        return None if row is None else _user_of(row)

    def add_consent(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(consents).values(**values))
