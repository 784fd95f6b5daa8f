"""Cards beyond the member repository: their events, the wrong-password guard, and finding
members by any of their lookup hashes (during a key rotation a row may still hold an old one)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from ...domain.records.cards import CardEvent, CardEventKind, PinGuard
from ...domain.records.members import Card, Member
from ...domain.statuses import CardStatus
from ..schema import card_events, card_pin_guard, cards, members
from .members import member_of


class IdentityRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    # -- members by lookup hash

    def member_by_phone_hashes(self, program_id: int, hashes: list[str]) -> Member | None:
        if not hashes:
            return None
        return member_of(
            self.conn.execute(
                select(members).where(
                    members.c.program_id == program_id, members.c.phone_hash.in_(hashes)
                )
            ).first()
        )

    # -- cards

    def card(self, program_id: int, card_no: str, lock: bool = False) -> Card | None:
        query = select(cards).where(cards.c.program_id == program_id, cards.c.card_no == card_no)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else Card(**row._mapping)

    def set_status(self, program_id: int, card_no: str, status: CardStatus) -> None:
        self.conn.execute(
            update(cards)
            .where(cards.c.program_id == program_id, cards.c.card_no == card_no)
            .values(status=status)
        )

    def set_pin(self, program_id: int, card_no: str, pin_hash: str | None) -> None:
        self.conn.execute(
            update(cards)
            .where(cards.c.program_id == program_id, cards.c.card_no == card_no)
            .values(pin_hash=pin_hash)
        )

    # -- events

    def add_event(
        self,
        program_id: int,
        member_id: str,
        card_no: str,
        kind: CardEventKind,
        occurred_at: datetime,
        recorded_at: datetime,
        actor: str | None,
        channel: str | None = None,
        new_card_no: str | None = None,
        fee: Decimal | None = None,
    ) -> None:
        self.conn.execute(
            insert(card_events).values(
                program_id=program_id,
                member_id=member_id,
                card_no=card_no,
                kind=kind,
                channel=channel,
                new_card_no=new_card_no,
                fee=fee,
                occurred_at=occurred_at,
                recorded_at=recorded_at,
                actor=actor,
            )
        )

    def events(self, program_id: int, card_no: str) -> list[CardEvent]:
        rows = self.conn.execute(
            select(card_events)
            .where(card_events.c.program_id == program_id, card_events.c.card_no == card_no)
            .order_by(card_events.c.event_id)
        )
        return [CardEvent(**r._mapping) for r in rows]

    def last_event(self, program_id: int, card_no: str, kind: CardEventKind) -> CardEvent | None:
        row = self.conn.execute(
            select(card_events)
            .where(
                card_events.c.program_id == program_id,
                card_events.c.card_no == card_no,
                card_events.c.kind == kind,
            )
            .order_by(card_events.c.event_id.desc())
            .limit(1)
        ).first()
        return None if row is None else CardEvent(**row._mapping)

    # -- the wrong-password guard

    def guard(self, program_id: int, card_no: str) -> PinGuard | None:
        row = self.conn.execute(
            select(card_pin_guard).where(
                card_pin_guard.c.program_id == program_id, card_pin_guard.c.card_no == card_no
            )
        ).first()
        return None if row is None else PinGuard(**row._mapping)

    def put_guard(
        self,
        program_id: int,
        card_no: str,
        failures: int,
        last_failed_at: datetime | None,
        locked_until: datetime | None,
    ) -> None:
        values = {
            "failures": failures,
            "last_failed_at": last_failed_at,
            "locked_until": locked_until,
        }
        done = self.conn.execute(
            update(card_pin_guard)
            .where(card_pin_guard.c.program_id == program_id, card_pin_guard.c.card_no == card_no)
            .values(**values)
        )
        if done.rowcount == 0:
            self.conn.execute(
                insert(card_pin_guard).values(program_id=program_id, card_no=card_no, **values)
            )
