"""The audit log: rows are only ever added (the database refuses updates and deletes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from ..schema import audit_log


class AuditRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(audit_log).values(**values))

    def find(
        self,
        program_id: int | None = None,
        action: str | None = None,
        member_id: str | None = None,
        card_no: str | None = None,
        role: str | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> list[Row[Any]]:
        query = select(audit_log)
        if program_id is not None:
            query = query.where(audit_log.c.program_id == program_id)
        if action is not None:
            # "card." finds every card action; "card.reported_lost" just that one.
            if action.endswith("."):
                query = query.where(audit_log.c.action.startswith(action, autoescape=True))
            else:
                query = query.where(audit_log.c.action == action)
        if member_id is not None:
            query = query.where(audit_log.c.member_id == member_id)
        if card_no is not None:
            query = query.where(audit_log.c.card_no == card_no)
        if role is not None:
            query = query.where(audit_log.c.role == role)
        if outcome is not None:
            query = query.where(audit_log.c.outcome == outcome)
        if since is not None:
            query = query.where(audit_log.c.recorded_at >= since)
        if until is not None:
            query = query.where(audit_log.c.recorded_at < until)
        if before is not None:
            query = query.where(audit_log.c.audit_id < before)
        return list(self.conn.execute(query.order_by(audit_log.c.audit_id.desc()).limit(limit)))
