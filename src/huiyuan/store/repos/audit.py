"""The audit log: rows are only ever added (the database refuses updates and deletes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, insert, select

from ...domain.records.cards import AuditEntry, AuditQuery
from ..schema import audit_log


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    c = audit_log.c
    exact = {
        c.program_id: query.program_id,
        c.member_id: query.member_id,
        c.card_no: query.card_no,
        c.role: query.role,
        c.outcome: query.outcome,
    }
    conditions = [column == value for column, value in exact.items() if value is not None]
    if query.action is not None:
        # "card." finds every card action; "card.reported_lost" just that one.
        if query.action.endswith("."):
            conditions.append(c.action.startswith(query.action, autoescape=True))
        else:
            conditions.append(c.action == query.action)
    if query.since is not None:
        conditions.append(c.recorded_at >= query.since)
    if query.until is not None:
        conditions.append(c.recorded_at < query.until)
    if query.before is not None:
        conditions.append(c.audit_id < query.before)
    return conditions


class AuditRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(audit_log).values(**values))

    def find(self, query: AuditQuery) -> list[AuditEntry]:
        rows = self.conn.execute(
            select(audit_log)
            .where(*_conditions(query))
            .order_by(audit_log.c.audit_id.desc())
            .limit(query.limit)
        )
        return [AuditEntry(**r._mapping) for r in rows]
