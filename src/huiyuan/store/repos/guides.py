"""Guides, who owns which member, the history of ownership, and service tasks."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from ...domain.records.guides import (
    Guide,
    Joined,
    NewTask,
    Owned,
    OwnershipChange,
    Sale,
    ServiceTask,
    TierMove,
)
from ...domain.records.members import Member
from ...domain.statuses import MemberStatus, TaskStatus
from ..schema import (
    guides,
    member_history,
    members,
    ownership_changes,
    receipt_lines,
    receipts,
    service_tasks,
)
from .in_lists import slices


class GuideRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, program_id: int, guide_id: str) -> Guide | None:
        row = self.conn.execute(
            select(guides).where(guides.c.program_id == program_id, guides.c.guide_id == guide_id)
        ).first()
        return None if row is None else Guide(**row._mapping)

    def upsert(self, program_id: int, guide_id: str, values: dict[str, Any], now: datetime) -> bool:
        """True if the guide is new."""
        if self.get(program_id, guide_id) is None:
            self.conn.execute(
                insert(guides).values(
                    program_id=program_id,
                    guide_id=guide_id,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
            return True
        self.conn.execute(
            update(guides)
            .where(guides.c.program_id == program_id, guides.c.guide_id == guide_id)
            .values(updated_at=now, **values)
        )
        return False

    def active(self, program_id: int) -> list[Guide]:
        rows = self.conn.execute(
            select(guides)
            .where(guides.c.program_id == program_id, guides.c.active.is_(True))
            .order_by(guides.c.guide_id)
        )
        return [Guide(**row._mapping) for row in rows]

    def members_of(self, program_id: int, guide_id: str) -> list[Member]:
        rows = self.conn.execute(
            select(members)
            .where(members.c.program_id == program_id, members.c.guide_id == guide_id)
            .order_by(members.c.member_id)
        )
        return [Member(**row._mapping) for row in rows]

    # -- ownership

    def record_change(
        self,
        program_id: int,
        member_id: str,
        from_guide: str | None,
        to_guide: str | None,
        reason: str,
        at: datetime,
        ref: str | None,
    ) -> None:
        self.conn.execute(
            insert(ownership_changes).values(
                program_id=program_id,
                member_id=member_id,
                from_guide=from_guide,
                to_guide=to_guide,
                reason=reason,
                occurred_at=at,
                ref=ref,
            )
        )

    def set_owner(
        self, program_id: int, member_id: str, guide_id: str | None, at: datetime
    ) -> None:
        self.conn.execute(
            update(members)
            .where(members.c.program_id == program_id, members.c.member_id == member_id)
            .values(guide_id=guide_id, guide_since=at if guide_id else None)
        )

    def owned_with_last_purchase(
        self, program_id: int, after: str | None, limit: int
    ) -> list[Owned]:
        """Owned members with their last purchase, in id order."""
        last = (
            select(receipts.c.member_id, func.max(receipts.c.occurred_at).label("last"))
            .where(receipts.c.program_id == program_id)
            .group_by(receipts.c.member_id)
            .subquery()
        )
        query = (
            select(members.c.member_id, members.c.guide_id, members.c.guide_since, last.c.last)
            .select_from(members.outerjoin(last, last.c.member_id == members.c.member_id))
            .where(members.c.program_id == program_id, members.c.guide_id.is_not(None))
            .order_by(members.c.member_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(members.c.member_id > after)
        return [Owned(*row) for row in self.conn.execute(query)]

    def pool(self, program_id: int) -> list[str]:
        """Active members no guide owns: the company pool."""
        return list(
            self.conn.execute(
                select(members.c.member_id)
                .where(
                    members.c.program_id == program_id,
                    members.c.guide_id.is_(None),
                    members.c.status == MemberStatus.ACTIVE,
                )
                .order_by(members.c.member_id)
            ).scalars()
        )

    def former_owners(self, program_id: int, member_ids: list[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {m: set() for m in member_ids}
        for chunk in slices(member_ids):
            rows = self.conn.execute(
                select(ownership_changes.c.member_id, ownership_changes.c.to_guide).where(
                    ownership_changes.c.program_id == program_id,
                    ownership_changes.c.member_id.in_(chunk),
                    ownership_changes.c.to_guide.is_not(None),
                )
            )
            for member_id, guide_id in rows:
                out[member_id].add(guide_id)
        return out

    def changes(self, program_id: int, member_id: str) -> list[OwnershipChange]:
        rows = self.conn.execute(
            select(ownership_changes)
            .where(
                ownership_changes.c.program_id == program_id,
                ownership_changes.c.member_id == member_id,
            )
            .order_by(ownership_changes.c.change_id)
        )
        return [OwnershipChange(**row._mapping) for row in rows]

    # -- tasks

    def add_task(self, task: NewTask) -> bool:
        """False when a task from the same source exists (plans are idempotent)."""
        exists = self.conn.execute(
            select(service_tasks.c.task_id).where(
                service_tasks.c.program_id == task.program_id,
                service_tasks.c.source == task.source,
            )
        ).first()
        if exists is not None:
            return False
        self.conn.execute(insert(service_tasks).values(**asdict(task)))
        return True

    def task(self, program_id: int, task_id: int) -> ServiceTask | None:
        row = self.conn.execute(
            select(service_tasks).where(
                service_tasks.c.program_id == program_id, service_tasks.c.task_id == task_id
            )
        ).first()
        return None if row is None else ServiceTask(**row._mapping)

    def complete_task(self, task_id: int, note: str | None, at: datetime) -> None:
        self.conn.execute(
            update(service_tasks)
            .where(service_tasks.c.task_id == task_id)
            .values(status=TaskStatus.DONE, note=note, completed_at=at)
        )

    def tasks(
        self,
        program_id: int,
        guide_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[ServiceTask]:
        query = select(service_tasks).where(service_tasks.c.program_id == program_id)
        if guide_id is not None:
            query = query.where(service_tasks.c.guide_id == guide_id)
        if since is not None:
            query = query.where(service_tasks.c.due_at >= since)
        if until is not None:
            query = query.where(service_tasks.c.due_at < until)
        rows = self.conn.execute(query.order_by(service_tasks.c.due_at, service_tasks.c.task_id))
        return [ServiceTask(**row._mapping) for row in rows]

    # -- reports

    def receipts_between(self, program_id: int, since: datetime, until: datetime) -> list[Sale]:
        rows = self.conn.execute(
            select(
                receipts.c.receipt_no,
                receipts.c.member_id,
                receipts.c.guide_id,
                receipts.c.store,
                receipts.c.merchant,
                receipts.c.paid_net,
                receipts.c.points_earned,
            ).where(
                receipts.c.program_id == program_id,
                receipts.c.occurred_at >= since,
                receipts.c.occurred_at < until,
            )
        )
        return [Sale(*row) for row in rows]

    def flagged_line_paid(
        self, program_id: int, receipt_nos: list[str], flag: str
    ) -> dict[str, Decimal]:
        """Net paid of the lines carrying a flag, per receipt."""
        out: dict[str, Decimal] = {}
        for part in slices(receipt_nos):
            rows = self.conn.execute(
                select(
                    receipt_lines.c.receipt_no,
                    receipt_lines.c.flags,
                    receipt_lines.c.paid,
                    receipt_lines.c.qty,
                    receipt_lines.c.returned_qty,
                ).where(
                    receipt_lines.c.program_id == program_id,
                    receipt_lines.c.receipt_no.in_(part),
                )
            )
            for no, flags, paid, qty, returned in rows:
                if flag in (flags or []):
                    kept = paid - (paid * returned / qty).quantize(Decimal("0.01"))
                    out[no] = out.get(no, Decimal("0.00")) + kept
        return out

    def members_joined(self, program_id: int, since: datetime, until: datetime) -> list[Joined]:
        rows = self.conn.execute(
            select(
                members.c.member_id, members.c.guide_id, members.c.store, members.c.merchant
            ).where(
                members.c.program_id == program_id,
                members.c.joined_at >= since,
                members.c.joined_at < until,
            )
        )
        return [Joined(*row) for row in rows]

    def tier_moves(self, program_id: int, since: datetime, until: datetime) -> list[TierMove]:
        rows = self.conn.execute(
            select(member_history.c.member_id, member_history.c.detail).where(
                and_(
                    member_history.c.program_id == program_id,
                    member_history.c.kind == "tier_changed",
                    member_history.c.occurred_at >= since,
                    member_history.c.occurred_at < until,
                )
            )
        )
        return [TierMove(*row) for row in rows]
