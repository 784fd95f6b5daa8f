"""Entitlement uses, lottery draws, authorised account users and consent records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, func, insert, select

from ..schema import account_users, consents, entitlement_uses, lottery_draws


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

    def add_use(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(entitlement_uses).values(**values))

    def add_draw(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(lottery_draws).values(**values))

    def draws(self, program_id: int, member_id: str) -> list[Row[Any]]:
        return list(
            self.conn.execute(
                select(lottery_draws)
                .where(
                    lottery_draws.c.program_id == program_id,
                    lottery_draws.c.member_id == member_id,
                )
                .order_by(lottery_draws.c.occurred_at)
            )
        )

    def add_user(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(account_users).values(**values))

    def users(self, program_id: int, member_id: str) -> list[Row[Any]]:
        return list(
            self.conn.execute(
                select(account_users)
                .where(
                    account_users.c.program_id == program_id,
                    account_users.c.member_id == member_id,
                )
                .order_by(account_users.c.added_at)
            )
        )

    def user(self, program_id: int, member_id: str, user_no: str) -> Row[Any] | None:
        return self.conn.execute(
            select(account_users).where(
                account_users.c.program_id == program_id,
                account_users.c.member_id == member_id,
                account_users.c.user_no == user_no,
            )
        ).first()

    def add_consent(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(consents).values(**values))

    def consents_for(self, program_id: int, ref_kind: str, ref: str) -> list[Row[Any]]:
        return list(
            self.conn.execute(
                select(consents).where(
                    consents.c.program_id == program_id,
                    consents.c.ref_kind == ref_kind,
                    consents.c.ref == ref,
                )
            )
        )
