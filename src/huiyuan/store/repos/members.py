"""Members, their cards and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from ...domain.records.members import Card, Member
from ...domain.statuses import CardStatus, MemberStatus
from ..schema import cards, member_history, members
from .in_lists import slices

_GET = select(members).where(
    members.c.program_id == bindparam("p"), members.c.member_id == bindparam("m")
)
_GET_FOR_UPDATE = _GET.with_for_update()
_SET_PROJECTION = (
    update(members)
    .where(members.c.program_id == bindparam("p"), members.c.member_id == bindparam("m"))
    .values(
        points=bindparam("new_points"),
        debt=bindparam("new_debt"),
        points_earned_total=bindparam("new_points_earned_total"),
        last_entry_id=bindparam("new_last_entry_id"),
        carry=bindparam("new_carry"),
        tier=bindparam("new_tier"),
        customer_class=bindparam("new_customer_class"),
        updated_at=bindparam("new_updated_at"),
    )
)


def member_of(row: Row[Any] | None) -> Member | None:
    """The record of a `select(members)` row."""
    return None if row is None else Member(**row._mapping)


def history_row(
    program_id: int,
    member_id: str,
    kind: str,
    detail: dict[str, Any],
    actor: str | None,
    occurred_at: datetime,
    now: datetime,
) -> dict[str, Any]:
    return {
        "program_id": program_id,
        "member_id": member_id,
        "kind": kind,
        "detail": detail,
        "actor": actor,
        "occurred_at": occurred_at,
        "recorded_at": now,
    }


class MemberRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(insert(members).values(**values))

    def get(self, program_id: int, member_id: str, lock: bool = False) -> Member | None:
        # PostgreSQL: one writer per member; SQLite's BEGIN IMMEDIATE already serialises.
        query = _GET_FOR_UPDATE if lock else _GET
        return member_of(self.conn.execute(query, {"p": program_id, "m": member_id}).first())

    def get_many(self, program_id: int, member_ids: list[str], lock: bool) -> list[Member]:
        """Many members in id order; `lock` takes their row locks in that order, as a writer
        of one member does, so batch and till never wait on each other in a cycle."""
        out: list[Member] = []
        ids = sorted(set(member_ids))
        for part in slices(ids):
            query = (
                select(members)
                .where(members.c.program_id == program_id, members.c.member_id.in_(part))
                .order_by(members.c.member_id)
            )
            rows = self.conn.execute(query.with_for_update() if lock else query)
            out.extend(Member(**row._mapping) for row in rows)
        return out

    def set_projections(self, program_id: int, rows: list[dict[str, Any]]) -> None:
        """Writes members' balance projections and receipt-moved columns as worked out by a
        writer holding their locks (an import batch): one statement for all of them. Each row
        names the member (`member_id`) and the new value of every column set."""
        if rows:
            params = [
                {"p": program_id, "m": r["member_id"]}
                | {f"new_{k}": v for k, v in r.items() if k != "member_id"}
                for r in rows
            ]
            self.conn.execute(_SET_PROJECTION, params)

    def update(self, program_id: int, member_id: str, **values: Any) -> None:
        self.conn.execute(
            update(members)
            .where(members.c.program_id == program_id, members.c.member_id == member_id)
            .values(**values)
        )

    def all_ids(self, program_id: int) -> list[str]:
        return list(
            self.conn.execute(
                select(members.c.member_id)
                .where(members.c.program_id == program_id)
                .order_by(members.c.member_id)
            ).scalars()
        )

    # -- cards

    def add_card(
        self, program_id: int, member_id: str, card_no: str, pin_hash: str | None, now: datetime
    ) -> None:
        self.conn.execute(
            insert(cards).values(
                card_no=card_no,
                program_id=program_id,
                member_id=member_id,
                status=CardStatus.ACTIVE,
                pin_hash=pin_hash,
                issued_at=now,
            )
        )

    def card(self, program_id: int, card_no: str) -> Card | None:
        row = self.conn.execute(
            select(cards).where(cards.c.program_id == program_id, cards.c.card_no == card_no)
        ).first()
        return None if row is None else Card(**row._mapping)

    def cards_many(self, program_id: int, card_nos: list[str]) -> dict[str, Card]:
        out: dict[str, Card] = {}
        nos = sorted(set(card_nos))
        for part in slices(nos):
            rows = self.conn.execute(
                select(cards).where(cards.c.program_id == program_id, cards.c.card_no.in_(part))
            )
            out.update({r.card_no: Card(**r._mapping) for r in rows})
        return out

    def card_exists(self, card_no: str) -> bool:
        found = self.conn.execute(select(cards.c.card_no).where(cards.c.card_no == card_no))
        return found.first() is not None

    def active_card(self, program_id: int, member_id: str) -> str | None:
        return self.conn.execute(
            select(cards.c.card_no).where(
                cards.c.program_id == program_id,
                cards.c.member_id == member_id,
                cards.c.status == CardStatus.ACTIVE,
            )
        ).scalar()

    # -- history

    def record(
        self,
        program_id: int,
        member_id: str,
        kind: str,
        detail: dict[str, Any],
        actor: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        self.conn.execute(
            insert(member_history),
            history_row(program_id, member_id, kind, detail, actor, occurred_at, now),
        )

    def record_many(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(member_history), rows)

    def pending_joined_before(
        self, program_id: int, joined_before: datetime, after: str | None, limit: int
    ) -> list[str]:
        query = (
            select(members.c.member_id)
            .where(
                members.c.program_id == program_id,
                members.c.status == MemberStatus.PENDING,
                members.c.joined_at <= joined_before,
            )
            .order_by(members.c.member_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(members.c.member_id > after)
        return list(self.conn.execute(query).scalars())

    def ids_after(self, program_id: int, after: str | None, limit: int) -> list[str]:
        query = (
            select(members.c.member_id)
            .where(members.c.program_id == program_id)
            .order_by(members.c.member_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(members.c.member_id > after)
        return list(self.conn.execute(query).scalars())
