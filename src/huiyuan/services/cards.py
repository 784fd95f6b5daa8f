"""Membership cards: loss reports, cancellation, card passwords and the card view (checking the
holder: `card_checks`; a new card in place of one: `card_replacement`; identifying a member at
the till without the card: `till_identity`).

Points and stored value belong to the member, not to a card: a reissued card names the same
member, so it carries everything the member has; what happened before the loss report stays as
it happened (nothing moves back). Each program says in its `[cards]` section which loss channels
it offers, how long after a report a card may be reissued and for what fee, what a damaged-card
exchange costs, what a card-less purchase must give, and how many wrong card passwords lock a
card's phone channel for how long.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.calendar import zone
from ..domain.money import fmt
from ..domain.program import LossChannel
from ..domain.records.cards import CardEvent, CardEventKind
from ..domain.records.members import Card, Member
from ..domain.statuses import CardStatus
from ..errors import Conflict, Invalid
from ..security import Sealer
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit
from .card_checks import (
    Attempt,
    check_pin,
    clear_guard,
    find_card,
    hash_pin,
    id_matches,
    missing,
    phone_matches,
    refuse_failed,
    same_name,
)
from .card_replacement import reissue_until
from .context import Context, require_member, require_program
from .inputs import CardCancelIn, CardPasswordIn, ReportLostIn, moment
from .results.cards import (
    CardCancelled,
    CardEventView,
    CardView,
    LossReported,
    PasswordSet,
)
from .till_identity import identify_at_till as identify_at_till

# ----------------------------------------------------------------------------- loss reports


def report_lost(
    ctx: Context, program_code: str, card_no: str, data: ReportLostIn, who: audit.Who
) -> LossReported:
    """A loss report by phone (name + phone + card password) or in store (the holder's ID);
    effective at once: from now on the till refuses the card (403 card_lost)."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        channel = _offered(stored, LossChannel(data.channel))
        card = find_card(uow, stored, card_no, lock=True)
        if card.status not in (CardStatus.ACTIVE, CardStatus.LOST):
            raise Conflict(f"该卡已停用 / this card is {card.status}", code="card_inactive")
        member = require_member(uow, stored.program_id, card.member_id)
        if channel is LossChannel.PHONE:
            attempt = _by_phone(uow, stored, ctx.sealer, card, member, data, now)
        else:
            attempt = _in_store(ctx.sealer, member, data)
        refuse_failed(
            uow,
            stored,
            attempt,
            "card.report_lost_refused",
            who,
            now,
            {"channel": channel.value},
            program_id=stored.program_id,
            member_id=member.member_id,
            card_no=card_no,
            occurred_at=at,
        )
        if attempt.counted_card is not None:
            clear_guard(uow, stored, card_no)
        reported_at = _mark_lost(uow, stored, card, channel, who, at, now)
        uow.commit()
    return {
        "card_no": card_no,
        "status": CardStatus.LOST,
        "member_id": member.member_id,
        "reported_at": reported_at.astimezone(zone(stored.program.timezone)).isoformat(),
        "reissue_until": reissue_until(stored, reported_at),
    }


def _offered(stored: StoredProgram, channel: LossChannel) -> LossChannel:
    offered = stored.program.cards.loss_channels
    if channel not in offered:
        raise Invalid(
            f"本方案不受理该挂失方式 / loss reports by {channel.value} are not offered "
            f"(offered: {', '.join(c.value for c in offered) or 'none'})",
            code="channel_not_offered",
        )
    return channel


def _by_phone(
    uow: UnitOfWork,
    stored: StoredProgram,
    sealer: Sealer,
    card: Card,
    member: Member,
    data: ReportLostIn,
    now: datetime,
) -> Attempt:
    """A phone report gives name, phone and the card password; a wrong one is counted."""
    absent = missing(name=data.name, phone=data.phone, password=data.password)
    if absent:
        raise Invalid(
            "电话挂失须报姓名、电话和密码 / a phone report needs name, phone and password",
            code="missing_fields",
            fields=absent,
        )
    if not card.pin_hash:
        raise Invalid(
            "该卡未设密码，请持证件到店挂失 / this card has no password: report the loss "
            "in store with an ID document",
            code="card_password_not_set",
        )
    assert data.name and data.phone and data.password
    pin = check_pin(uow, stored, card, data.password, now)
    if pin.locked is not None:
        return pin
    # Each detail is checked whatever the first gave, so a refusal says nothing about which.
    ok = [same_name(member.name, data.name), phone_matches(sealer, member, data.phone), pin.ok]
    return Attempt(all(ok), counted_card=pin.counted_card)


def _in_store(sealer: Sealer, member: Member, data: ReportLostIn) -> Attempt:
    """In store the holder shows an ID document: its number (and the name, if given) must match
    the record; with no ID number on file, the name and phone must."""
    if not data.id_number:
        raise Invalid(
            "到店挂失须出示本人证件 / a report in store needs the holder's ID number",
            code="missing_fields",
            fields=["id_number"],
        )
    if member.id_hash:
        ok = [id_matches(sealer, member, data.id_number)]
        if data.name:
            ok.append(same_name(member.name, data.name))
        return Attempt(all(ok))
    # No ID number on file (liquor asks only name and phone at joining): staff check the
    # document, and the name and phone must match the record.
    absent = missing(name=data.name, phone=data.phone)
    if absent:
        raise Invalid(
            "会员未登记证件号码，须核对姓名和电话 / no ID number on file: name and phone are "
            "needed",
            code="missing_fields",
            fields=absent,
        )
    assert data.name and data.phone
    ok = [same_name(member.name, data.name), phone_matches(sealer, member, data.phone)]
    return Attempt(all(ok))


def _mark_lost(
    uow: UnitOfWork,
    stored: StoredProgram,
    card: Card,
    channel: LossChannel,
    who: audit.Who,
    at: datetime,
    now: datetime,
) -> datetime:
    """Marks the card lost and records the report; a card reported before keeps its first
    report (the same answer, nothing new). Returns when the card was reported lost."""
    pid = stored.program_id
    if card.status == CardStatus.LOST:
        first = uow.identity.last_event(pid, card.card_no, CardEventKind.REPORTED_LOST)
        return first.occurred_at if first is not None else at
    uow.identity.set_status(pid, card.card_no, CardStatus.LOST)
    actor = audit.actor_of(who).label
    uow.identity.add_event(
        pid,
        card.member_id,
        card.card_no,
        CardEventKind.REPORTED_LOST,
        at,
        now,
        actor,
        channel.value,
    )
    uow.members.record(
        pid,
        card.member_id,
        "card_lost",
        {"card_no": card.card_no, "channel": channel.value},
        actor,
        at,
        now,
    )
    audit.record(
        uow,
        "card.reported_lost",
        who,
        now,
        program_id=pid,
        member_id=card.member_id,
        card_no=card.card_no,
        occurred_at=at,
        detail={"channel": channel.value},
    )
    return at


# ----------------------------------------------------------------------------- cancel, password


def cancel(
    ctx: Context, program_code: str, card_no: str, data: CardCancelIn, who: audit.Who
) -> CardCancelled:
    """Stops a card for good (a lent card, a membership ended); the member's account stays."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        card = find_card(uow, stored, card_no, lock=True)
        if card.status == CardStatus.CANCELLED:
            return {"card_no": card_no, "status": CardStatus.CANCELLED}
        if card.status == CardStatus.REPLACED:
            raise Conflict("该卡已被替换 / this card was replaced", code="card_inactive")
        uow.identity.set_status(pid, card_no, CardStatus.CANCELLED)
        actor = audit.actor_of(who).label
        uow.identity.add_event(
            pid, card.member_id, card_no, CardEventKind.CANCELLED, at, now, actor
        )
        uow.members.record(
            pid,
            card.member_id,
            "card_cancelled",
            {"card_no": card_no, "reason": audit.masked(data.reason)},
            actor,
            at,
            now,
        )
        audit.record(
            uow,
            "card.cancelled",
            who,
            now,
            program_id=pid,
            member_id=card.member_id,
            card_no=card_no,
            occurred_at=at,
            detail={"reason": data.reason},
        )
        uow.commit()
    return {"card_no": card_no, "status": CardStatus.CANCELLED}


def set_password(
    ctx: Context, program_code: str, card_no: str, data: CardPasswordIn, who: audit.Who
) -> PasswordSet:
    """Sets or changes a card's password: with the old password, or with the holder's ID number
    checked in store; a card without a password and a member without an ID number on file needs
    neither (the holder is at the counter with the card)."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        card = find_card(uow, stored, card_no, lock=True)
        if card.status != CardStatus.ACTIVE:
            raise Conflict(f"该卡已停用 / this card is {card.status}", code="card_inactive")
        member = require_member(uow, pid, card.member_id)
        where: dict[str, Any] = {"program_id": pid, "member_id": member.member_id}
        attempt = _password_holder(uow, stored, ctx.sealer, card, member, data, now)
        refuse_failed(
            uow,
            stored,
            attempt,
            "card.password_refused",
            who,
            now,
            {},
            **where,
            card_no=card_no,
            occurred_at=at,
        )
        uow.identity.set_pin(pid, card_no, hash_pin(data.password))
        clear_guard(uow, stored, card_no)
        actor = audit.actor_of(who).label
        uow.identity.add_event(
            pid, member.member_id, card_no, CardEventKind.PASSWORD_SET, at, now, actor
        )
        audit.record(uow, "card.password_set", who, now, **where, card_no=card_no, occurred_at=at)
        uow.commit()
    return {"card_no": card_no, "password_set": True}


def _password_holder(
    uow: UnitOfWork,
    stored: StoredProgram,
    sealer: Sealer,
    card: Card,
    member: Member,
    data: CardPasswordIn,
    now: datetime,
) -> Attempt:
    """Who may set the password: the old password (counted when wrong), or the holder's ID
    number; neither is asked where the card has no password and no ID number is on file."""
    if data.old_password:
        return check_pin(uow, stored, card, data.old_password, now)
    if data.id_number:
        return Attempt(id_matches(sealer, member, data.id_number))
    if card.pin_hash or member.id_hash:
        raise Invalid(
            "须提供原密码或本人证件号码 / give the old password or the holder's ID number",
            code="missing_fields",
            fields=["old_password", "id_number"],
        )
    return Attempt(True)


# ----------------------------------------------------------------------------- the card view


def card_info(ctx: Context, program_code: str, card_no: str) -> CardView:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        card = find_card(uow, stored, card_no)
        guard = uow.identity.guard(stored.program_id, card_no)
        events = uow.identity.events(stored.program_id, card_no)
        now = ctx.now()
    tz = zone(stored.program.timezone)
    locked_until = guard.locked_at(now) if guard is not None else None
    lost = next((e for e in reversed(events) if e.kind == CardEventKind.REPORTED_LOST), None)
    return {
        "card_no": card.card_no,
        "member_id": card.member_id,
        "status": CardStatus(card.status),
        "issued_at": card.issued_at.astimezone(tz).isoformat(),
        "password_set": bool(card.pin_hash),
        "phone_channel_locked_until": locked_until.astimezone(tz).isoformat()
        if locked_until is not None
        else None,
        "reissue_until": reissue_until(stored, lost.occurred_at)
        if lost is not None and card.status == CardStatus.LOST
        else None,
        "events": [_event_view(e, tz) for e in events],
    }


def _event_view(event: CardEvent, tz: ZoneInfo) -> CardEventView:
    return {
        "kind": event.kind,
        "channel": event.channel,
        "new_card_no": event.new_card_no,
        "fee": fmt(event.fee) if event.fee is not None else None,
        "occurred_at": event.occurred_at.astimezone(tz).isoformat(),
        "actor": event.actor,
    }
