"""API tokens (digests only) and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ...domain.records.cards import Token
from ..schema import tokens


class TokenRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, token_id: str, name: str, role: str, digest: str, now: datetime) -> None:
        self.conn.execute(
            insert(tokens).values(
                token_id=token_id, name=name, role=role, secret_hash=digest, created_at=now
            )
        )

    def find(self, token_id: str) -> Token | None:
        """An unrevoked token."""
        row = self.conn.execute(
            select(tokens).where(tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None))
        ).first()
        return None if row is None else Token(**row._mapping)

    def all(self) -> list[Token]:
        rows = self.conn.execute(select(tokens).order_by(tokens.c.created_at))
        return [Token(**r._mapping) for r in rows]

    def revoke(self, token_id: str, now: datetime) -> bool:
        result = self.conn.execute(
            update(tokens)
            .where(tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount == 1
