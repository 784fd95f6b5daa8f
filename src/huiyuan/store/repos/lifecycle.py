"""Membership lifecycle queries: tier applications, the history tier reviews read, members
in id order for jobs, referred members, and closing a member's cards."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, insert, select, update

from ...domain.records.members import HistoryEntry, Member
from ...domain.records.rewards import TierApplication
from ...domain.statuses import ApplicationStatus, CardStatus
from ..schema import cards, ledger_entries, member_history, members, tier_applications

# History kinds that start a tier's time: the card year counts from the latest of them.
TIER_EVENTS = ("joined", "tier_changed", "tier_kept", "renewed")


class LifecycleRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- members for jobs

    def member_ids_after(
        self, program_id: int, after: str | None, limit: int, statuses: tuple[str, ...]
    ) -> list[str]:
        query = (
            select(members.c.member_id)
            .where(members.c.program_id == program_id, members.c.status.in_(statuses))
            .order_by(members.c.member_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(members.c.member_id > after)
        return list(self.conn.execute(query).scalars())

    def referred(self, program_id: int, referrer_id: str, joined_by: datetime) -> list[Member]:
        """Members who named this referrer at joining, joined by a moment."""
        rows = self.conn.execute(
            select(members)
            .where(
                members.c.program_id == program_id,
                members.c.referrer_id == referrer_id,
                members.c.joined_at <= joined_by,
            )
            .order_by(members.c.member_id)
        )
        return [Member(**row._mapping) for row in rows]

    def referrer_ids_after(self, program_id: int, after: str | None, limit: int) -> list[str]:
        """Members named as referrer by anyone, in id order after a cursor."""
        query = (
            select(members.c.referrer_id)
            .where(members.c.program_id == program_id, members.c.referrer_id.is_not(None))
            .group_by(members.c.referrer_id)
            .order_by(members.c.referrer_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(members.c.referrer_id > after)
        return [r for r in self.conn.execute(query).scalars() if r is not None]

    # -- history

    def tier_events(self, program_id: int, member_id: str) -> list[HistoryEntry]:
        """Events that set or kept the tier, in the order they took effect."""
        return self._history(
            _in_effect_order(program_id, member_id).where(member_history.c.kind.in_(TIER_EVENTS))
        )

    def attribute_events(self, program_id: int, member_id: str) -> list[HistoryEntry]:
        return self._history(
            _in_effect_order(program_id, member_id).where(member_history.c.kind == "attributes")
        )

    def renewed_at(self, program_id: int, member_id: str, at: datetime) -> bool:
        """Whether a renewal of this member took effect at this moment (a resend of it)."""
        query = _in_effect_order(program_id, member_id).where(
            member_history.c.kind == "renewed", member_history.c.occurred_at == at
        )
        return self.conn.execute(query.limit(1)).first() is not None

    def history_page(
        self, program_id: int, member_id: str, limit: int, before: int | None
    ) -> list[HistoryEntry]:
        """The member's history newest first (by id), before an id."""
        query = (
            select(member_history)
            .where(
                member_history.c.program_id == program_id,
                member_history.c.member_id == member_id,
            )
            .order_by(member_history.c.history_id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(member_history.c.history_id < before)
        return self._history(query)

    def _history(self, query: Select[Any]) -> list[HistoryEntry]:
        return [HistoryEntry(**row._mapping) for row in self.conn.execute(query)]

    def ledger_refs(self, program_id: int, member_id: str, kind: str, prefix: str) -> set[str]:
        """The refs of a member's points entries of a kind starting with a prefix (the months
        already credited with deposit points)."""
        rows = self.conn.execute(
            select(ledger_entries.c.ref).where(
                ledger_entries.c.program_id == program_id,
                ledger_entries.c.member_id == member_id,
                ledger_entries.c.kind == kind,
                ledger_entries.c.ref.startswith(prefix, autoescape=True),
            )
        )
        return {r for r in rows.scalars() if r is not None}

    # -- cards

    def close_cards(self, program_id: int, member_id: str) -> int:
        result = self.conn.execute(
            update(cards)
            .where(
                cards.c.program_id == program_id,
                cards.c.member_id == member_id,
                cards.c.status.in_((CardStatus.ACTIVE, CardStatus.LOST)),
            )
            .values(status=CardStatus.CANCELLED)
        )
        return int(result.rowcount or 0)

    # -- tier applications

    def add_application(self, application: TierApplication) -> None:
        self.conn.execute(insert(tier_applications).values(**asdict(application)))

    def application(self, program_id: int, application_no: str) -> TierApplication | None:
        row = self.conn.execute(
            select(tier_applications).where(
                tier_applications.c.program_id == program_id,
                tier_applications.c.application_no == application_no,
            )
        ).first()
        return None if row is None else _application_of(row)

    def decide(
        self,
        program_id: int,
        application_no: str,
        status: ApplicationStatus,
        reviewed_by: str | None,
        reviewed_at: datetime,
        review_note: str | None,
    ) -> None:
        self.conn.execute(
            update(tier_applications)
            .where(
                tier_applications.c.program_id == program_id,
                tier_applications.c.application_no == application_no,
            )
            .values(
                status=status.value,
                reviewed_by=reviewed_by,
                reviewed_at=reviewed_at,
                review_note=review_note,
            )
        )

    def applications(
        self,
        program_id: int,
        member_id: str | None,
        status: ApplicationStatus | None,
        limit: int = 200,
    ) -> list[TierApplication]:
        query = select(tier_applications).where(tier_applications.c.program_id == program_id)
        if member_id is not None:
            query = query.where(tier_applications.c.member_id == member_id)
        if status is not None:
            query = query.where(tier_applications.c.status == status.value)
        order = (tier_applications.c.occurred_at, tier_applications.c.application_no)
        rows = self.conn.execute(query.order_by(*order).limit(limit))
        return [_application_of(row) for row in rows]


def _application_of(row: Row[Any]) -> TierApplication:
    return TierApplication(**{**row._mapping, "status": ApplicationStatus(row.status)})


def _in_effect_order(program_id: int, member_id: str) -> Select[Any]:
    """A member's history in the order it took effect."""
    return (
        select(member_history)
        .where(
            member_history.c.program_id == program_id,
            member_history.c.member_id == member_id,
        )
        .order_by(member_history.c.occurred_at, member_history.c.history_id)
    )
