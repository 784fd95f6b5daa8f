"""The notification outbox and members' notification preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ...domain.records.notify import NotifyPrefs, OutboxMessage
from ...domain.statuses import MessageStatus
from ..schema import notify_prefs, outbox

OPEN = (MessageStatus.PENDING, MessageStatus.FAILED)


class OutboxRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- writing messages

    def exists(self, program_id: int, member_id: str, dedupe_key: str) -> bool:
        found = self.conn.execute(
            select(outbox.c.message_id).where(
                outbox.c.program_id == program_id,
                outbox.c.member_id == member_id,
                outbox.c.dedupe_key == dedupe_key,
            )
        ).first()
        return found is not None

    def add(self, values: dict[str, Any]) -> int | None:
        """Inserts a message; None when one with the same dedupe key is already there (a
        concurrent writer won: the savepoint keeps the caller's transaction usable)."""
        try:
            with self.conn.begin_nested():
                return int(
                    self.conn.execute(
                        insert(outbox).values(**values).returning(outbox.c.message_id)
                    ).scalar_one()
                )
        except IntegrityError:
            return None

    # -- the sender

    def claim(
        self,
        now: datetime,
        worker: str,
        lease_until: datetime,
        limit: int,
        skip_programs: list[int],
        program_id: int | None = None,
    ) -> list[OutboxMessage]:
        """Takes up to `limit` due messages for this worker until `lease_until`: open, due,
        not given up, and not under another sender's live lease."""
        free = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= now)
        query = (
            select(outbox.c.message_id)
            .where(
                outbox.c.status.in_(OPEN),
                outbox.c.gave_up_at.is_(None),
                outbox.c.due_at <= now,
                free,
            )
            .order_by(outbox.c.due_at, outbox.c.message_id)
            .limit(limit)
            # Two senders skip each other's rows on PostgreSQL; SQLite, one writer at a time,
            # renders no FOR UPDATE.
            .with_for_update(skip_locked=True)
        )
        if skip_programs:
            query = query.where(outbox.c.program_id.not_in(skip_programs))
        if program_id is not None:
            query = query.where(outbox.c.program_id == program_id)
        ids = list(self.conn.execute(query).scalars())
        if not ids:
            return []
        self.conn.execute(
            update(outbox)
            .where(outbox.c.message_id.in_(ids), free)
            .values(claimed_by=worker, claimed_until=lease_until, attempts=outbox.c.attempts + 1)
        )
        rows = self.conn.execute(
            select(outbox)
            .where(outbox.c.message_id.in_(ids), outbox.c.claimed_by == worker)
            .order_by(outbox.c.due_at, outbox.c.message_id)
        )
        return [OutboxMessage(**row._mapping) for row in rows]

    def _finish(self, message_id: int, worker: str, **values: Any) -> bool:
        done = self.conn.execute(
            update(outbox)
            .where(
                outbox.c.message_id == message_id,
                outbox.c.claimed_by == worker,
                outbox.c.status.in_(OPEN),
            )
            .values(claimed_by=None, claimed_until=None, **values)
        )
        return bool(done.rowcount)

    def mark_sent(self, message_id: int, worker: str, now: datetime, ref: str | None) -> bool:
        return self._finish(
            message_id,
            worker,
            status=MessageStatus.SENT,
            sent_at=now,
            provider_ref=ref,
            last_error=None,
        )

    def mark_failed(
        self,
        message_id: int,
        worker: str,
        now: datetime,
        error: str,
        retry_at: datetime | None,
    ) -> bool:
        if retry_at is None:
            return self._finish(
                message_id,
                worker,
                status=MessageStatus.FAILED,
                last_error=error[:1000],
                gave_up_at=now,
            )
        return self._finish(
            message_id,
            worker,
            status=MessageStatus.FAILED,
            last_error=error[:1000],
            due_at=retry_at,
        )

    def mark_skipped(self, message_id: int, worker: str, reason: str) -> bool:
        return self._finish(message_id, worker, status=MessageStatus.SKIPPED, last_error=reason)

    def release(self, message_id: int, worker: str, due_at: datetime) -> bool:
        """Hands a claimed message back untried (quiet hours began): the try is not counted."""
        return self._finish(message_id, worker, due_at=due_at, attempts=outbox.c.attempts - 1)

    # -- staff

    def get(self, program_id: int, message_id: int) -> OutboxMessage | None:
        row = self.conn.execute(
            select(outbox).where(
                outbox.c.program_id == program_id, outbox.c.message_id == message_id
            )
        ).first()
        return None if row is None else OutboxMessage(**row._mapping)

    def search(
        self,
        program_id: int,
        status: str | None,
        member_id: str | None,
        kind: str | None,
        limit: int,
        before: int | None,
    ) -> list[OutboxMessage]:
        query = select(outbox).where(outbox.c.program_id == program_id)
        if status is not None:
            query = query.where(outbox.c.status == status)
        if member_id is not None:
            query = query.where(outbox.c.member_id == member_id)
        if kind is not None:
            query = query.where(outbox.c.kind == kind)
        if before is not None:
            query = query.where(outbox.c.message_id < before)
        rows = self.conn.execute(query.order_by(outbox.c.message_id.desc()).limit(limit))
        return [OutboxMessage(**row._mapping) for row in rows]

    def counts(self, program_id: int) -> dict[str, int]:
        rows = self.conn.execute(
            select(outbox.c.status, func.count())
            .where(outbox.c.program_id == program_id)
            .group_by(outbox.c.status)
        )
        return {str(r[0]): int(r[1]) for r in rows}

    def requeue(self, program_id: int, message_id: int, now: datetime) -> bool:
        """A failed message (given up or waiting) is tried again from now, attempts reset."""
        done = self.conn.execute(
            update(outbox)
            .where(
                and_(
                    outbox.c.program_id == program_id,
                    outbox.c.message_id == message_id,
                    outbox.c.status == MessageStatus.FAILED,
                )
            )
            .values(gave_up_at=None, due_at=now, attempts=0, claimed_by=None, claimed_until=None)
        )
        return bool(done.rowcount)

    # -- preferences

    def prefs(self, program_id: int, member_id: str) -> NotifyPrefs | None:
        row = self.conn.execute(
            select(notify_prefs).where(
                notify_prefs.c.program_id == program_id, notify_prefs.c.member_id == member_id
            )
        ).first()
        return None if row is None else NotifyPrefs(**row._mapping)

    def save_prefs(self, program_id: int, member_id: str, values: dict[str, Any]) -> None:
        done = self.conn.execute(
            update(notify_prefs)
            .where(notify_prefs.c.program_id == program_id, notify_prefs.c.member_id == member_id)
            .values(**values)
        )
        if not done.rowcount:
            self.conn.execute(
                insert(notify_prefs).values(program_id=program_id, member_id=member_id, **values)
            )
