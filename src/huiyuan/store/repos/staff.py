"""Staff accounts, their console sessions and their wrong passwords."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ...domain.records.staff import Staff, StaffSession
from ..schema import login_failures, staff, staff_sessions


class StaffRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(staff).values(**values))

    def get(self, login: str) -> Staff | None:
        row = self.conn.execute(select(staff).where(staff.c.login == login)).first()
        return None if row is None else Staff(**row._mapping)

    def all(self) -> list[Staff]:
        rows = self.conn.execute(select(staff).order_by(staff.c.login))
        return [Staff(**row._mapping) for row in rows]

    def update(self, login: str, **values: Any) -> None:
        self.conn.execute(update(staff).where(staff.c.login == login).values(**values))

    # -- wrong passwords

    def add_failure(self, login: str, at: datetime) -> None:
        self.conn.execute(insert(login_failures).values(login=login, at=at))

    def failures_since(self, login: str, since: datetime) -> list[datetime]:
        """The moments of wrong passwords at or after `since`, oldest first."""
        return list(
            self.conn.execute(
                select(login_failures.c.at)
                .where(login_failures.c.login == login, login_failures.c.at >= since)
                .order_by(login_failures.c.at)
            ).scalars()
        )

    def clear_failures(self, login: str) -> None:
        self.conn.execute(delete(login_failures).where(login_failures.c.login == login))

    # -- sessions

    def add_session(self, digest: str, login: str, csrf: str, now: datetime) -> None:
        self.conn.execute(
            insert(staff_sessions).values(
                session_digest=digest, login=login, csrf=csrf, created_at=now, last_seen_at=now
            )
        )

    def session(self, digest: str) -> StaffSession | None:
        row = self.conn.execute(
            select(staff_sessions).where(staff_sessions.c.session_digest == digest)
        ).first()
        return None if row is None else StaffSession(**row._mapping)

    def touch_session(self, digest: str, now: datetime) -> None:
        self.conn.execute(
            update(staff_sessions)
            .where(staff_sessions.c.session_digest == digest)
            .values(last_seen_at=now)
        )

    def end_session(self, digest: str, now: datetime) -> None:
        self.conn.execute(
            update(staff_sessions)
            .where(staff_sessions.c.session_digest == digest, staff_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    def end_sessions_of(self, login: str, now: datetime) -> int:
        """Ends every open session of an account (disabled, or its password changed)."""
        done = self.conn.execute(
            update(staff_sessions)
            .where(staff_sessions.c.login == login, staff_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )
        return done.rowcount or 0
