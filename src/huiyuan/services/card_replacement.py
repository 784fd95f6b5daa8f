"""A new card in place of an old one: `reissue` after a loss report, within the program's days
and for its fee; `exchange` of a damaged (still active) card for a fee. The member's points and
stored value go with the member, so the new card carries them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, cast

from ..domain.calendar import business_date, zone
from ..domain.money import ZERO, fmt
from ..domain.records.cards import CardEventKind
from ..domain.records.members import Card
from ..domain.statuses import CardStatus
from ..errors import Conflict, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit
from .card_checks import find_card, hash_pin
from .context import Context, require_member
from .idempotency import run_once
from .inputs import ReissueIn, moment
from .members import new_card_no
from .results.cards import NewCard

Replacement = Literal["reissue", "exchange"]
_REPLACED = {"reissue": CardEventKind.REISSUED, "exchange": CardEventKind.EXCHANGED}


def reissue_until(stored: StoredProgram, reported_at: datetime) -> str | None:
    """The last day a card reported lost at `reported_at` may be reissued (None: any day)."""
    days = stored.program.cards.reissue_days
    if days is None:
        return None
    tz = zone(stored.program.timezone)
    return (business_date(reported_at, tz) + timedelta(days=days)).isoformat()


def reissue(
    ctx: Context, program_code: str, card_no: str, data: ReissueIn, who: audit.Who
) -> NewCard:
    return _replace(ctx, program_code, card_no, data, who, "reissue")


def exchange(
    ctx: Context, program_code: str, card_no: str, data: ReissueIn, who: audit.Who
) -> NewCard:
    return _replace(ctx, program_code, card_no, data, who, "exchange")


def _replace(
    ctx: Context,
    program_code: str,
    card_no: str,
    data: ReissueIn,
    who: audit.Who,
    kind: Replacement,
) -> NewCard:
    """A new card for the member in place of `card_no`: `reissue` after a loss report, within
    the program's days and for its fee; `exchange` of a damaged (still active) card for a fee.
    Once per card: a resend answers the first new card."""
    now = ctx.now()
    at = moment(data.occurred_at, now)

    def work(uow: UnitOfWork, stored: StoredProgram) -> dict[str, Any]:
        return dict(_new_card(uow, stored, card_no, data, who, kind, at, now))

    answer = run_once(ctx, program_code, f"card_{kind}", card_no, ctx.fingerprint(data), work)
    return cast(NewCard, answer)  # the new card's answer, or the first one replayed


def _new_card(
    uow: UnitOfWork,
    stored: StoredProgram,
    card_no: str,
    data: ReissueIn,
    who: audit.Who,
    kind: Replacement,
    at: datetime,
    now: datetime,
) -> NewCard:
    card = find_card(uow, stored, card_no, lock=True)
    fee = _reissue_fee(uow, stored, card, at) if kind == "reissue" else _exchange_fee(stored, card)
    fee_paid = data.fee_paid if data.fee_paid is not None else ZERO
    if fee_paid < fee:
        raise Invalid(
            f"工本费 {fmt(fee)} 元 / the card fee is {fmt(fee)} (paid {fmt(fee_paid)})",
            code="fee_too_low",
            fee=fmt(fee),
        )
    member = require_member(uow, stored.program_id, card.member_id, lock=True)
    new_no = new_card_no(uow)
    pin_hash = hash_pin(data.card_password) if data.card_password else card.pin_hash
    uow.members.add_card(stored.program_id, member.member_id, new_no, pin_hash, at)
    uow.identity.set_status(stored.program_id, card_no, CardStatus.REPLACED)
    _record_new_card(uow, stored, card, new_no, _REPLACED[kind], fee_paid, who, at, now)
    return {
        "card_no": new_no,
        "replaces": card_no,
        "member_id": member.member_id,
        "points": member.points,
        "stored_value": fmt(member.stored_value or ZERO),
        "fee": fmt(fee_paid),
    }


def _reissue_fee(uow: UnitOfWork, stored: StoredProgram, card: Card, at: datetime) -> Decimal:
    """A lost card is reissued within the program's days of the report, for its fee."""
    rules = stored.program.cards
    if card.status != CardStatus.LOST:
        raise Conflict(
            "只有已挂失的卡可以补办 / only a card reported lost can be reissued "
            f"(this card is {card.status})",
            code="card_not_lost",
        )
    report = uow.identity.last_event(stored.program_id, card.card_no, CardEventKind.REPORTED_LOST)
    reported_at = report.occurred_at if report is not None else card.issued_at
    if at < reported_at:
        raise Invalid(
            "补卡时间早于挂失时间 / the reissue is dated before the loss report",
            code="before_report",
        )
    until = reissue_until(stored, reported_at)
    tz = zone(stored.program.timezone)
    if until is not None and business_date(at, tz).isoformat() > until:
        raise Invalid(
            f"挂失后 {rules.reissue_days} 日内方可补卡（截至 {until}）/ a lost card can be "
            f"reissued within {rules.reissue_days} days of the report (through {until})",
            code="reissue_window_closed",
            reported_at=reported_at.astimezone(tz).isoformat(),
            reissue_until=until,
        )
    return rules.reissue_fee


def _exchange_fee(stored: StoredProgram, card: Card) -> Decimal:
    """A damaged card is exchanged while active, where the program offers it, for its fee."""
    fee = stored.program.cards.exchange_fee
    if fee is None:
        raise Invalid("本方案不办理换卡 / card exchange is not offered", code="not_offered")
    if card.status != CardStatus.ACTIVE:
        lost = card.status == CardStatus.LOST
        raise Conflict(
            f"该卡状态为 {card.status}，不能换卡 / a {card.status} card cannot be exchanged"
            + (" (reissue it instead)" if lost else ""),
            code="card_lost" if lost else "card_inactive",
        )
    return fee


def _record_new_card(
    uow: UnitOfWork,
    stored: StoredProgram,
    card: Card,
    new_no: str,
    event: CardEventKind,
    fee_paid: Decimal,
    who: audit.Who,
    at: datetime,
    now: datetime,
) -> None:
    """The old card's event, the new card's issue, the member's history and the audit row."""
    pid, member_id = stored.program_id, card.member_id
    actor = audit.actor_of(who).label
    uow.identity.add_event(
        pid, member_id, card.card_no, event, at, now, actor, new_card_no=new_no, fee=fee_paid
    )
    uow.identity.add_event(pid, member_id, new_no, CardEventKind.ISSUED, at, now, actor)
    uow.members.record(
        pid,
        member_id,
        f"card_{event}",
        {"from": card.card_no, "to": new_no, "fee": fmt(fee_paid)},
        actor,
        at,
        now,
    )
    audit.record(
        uow,
        f"card.{event}",
        who,
        now,
        program_id=pid,
        member_id=member_id,
        card_no=card.card_no,
        occurred_at=at,
        detail={"new_card_no": new_no, "fee_paid": fmt(fee_paid)},
    )
