"""API tokens (digests only) and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

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

    def find(self, token_id: str) -> tuple[str, str, str] | None:
        """(name, role, digest) of an unrevoked token."""
        row = self.conn.execute(
            select(tokens.c.name, tokens.c.role, tokens.c.secret_hash).where(
                tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None)
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    def all(self) -> list[Row[Any]]:
        return list(self.conn.execute(select(tokens).order_by(tokens.c.created_at)))

    def revoke(self, token_id: str, now: datetime) -> bool:
        result = self.conn.execute(
            update(tokens)
            .where(tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount == 1
