"""Who the till says the customer is, checked before a purchase is priced: the card shown, the
card-less identification a program asks for (liquor: card number + name + phone + password), or
the phone number that is the account (counter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.identity import normalize_mobile
from ..domain.records.members import Card, Member
from ..domain.statuses import CardStatus
from ..errors import Forbidden, Invalid, NotFound
from ..security import Sealer
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .card_checks import (
    Attempt,
    check_pin,
    clear_guard,
    find_card,
    id_matches,
    phone_matches,
    refuse_failed,
    same_name,
)
from .context import Context, require_member, require_program
from .inputs import IdentifyIn, PurchaseIn


@dataclass(frozen=True, slots=True)
class _Named:
    """The member a till request names, and the card it names them by (if any)."""

    member: Member
    card: Card | None
    by_phone: bool  # found by the phone number that is the account: the phone is checked


def identify_at_till(
    ctx: Context, program_code: str, data: PurchaseIn, replay_kind: str | None = None
) -> PurchaseIn:
    """Checks who a till says the customer is, before the purchase is priced.

    With the card shown and no `identify`, nothing to do (no database round trip). Otherwise:
    a member named by phone alone where the phone is the account (counter); the program's
    card-less requirements when the card is not shown (liquor: card number + name + phone +
    password); and every identification field given must match. Wrong ones are 403
    wrong_credentials, counted against the card like phone loss reports (locked: 429).

    Returns the request naming the member by id, without the identification (no password or
    phone is kept, not even inside the request's fingerprint).
    """
    if data.identify is None and data.card_presented:
        return data
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        if replay_kind is not None:
            first = uow.requests.get(stored.program_id, replay_kind, data.receipt_no)
            if first is not None:  # a resend: the first answer's member, checked no more
                member_id = (first.response or {}).get("member_id") or data.member_id
                return data.model_copy(update={"member_id": member_id, "identify": None})
        needed = () if data.card_presented else stored.program.cards.cardless_requires
        if data.identify is None and not needed:
            return data
        named = _named(uow, stored, ctx.sealer, data)
        _require_given(needed, data)
        member_id = _check(uow, stored, ctx.sealer, named, data, now)
    return data.model_copy(update={"member_id": member_id, "identify": None})


def _named(uow: UnitOfWork, stored: StoredProgram, sealer: Sealer, data: PurchaseIn) -> _Named:
    """The member named by card, by member id (both: the same member), or by phone."""
    card = _shown_card(uow, stored, data.card_no) if data.card_no else None
    member = require_member(uow, stored.program_id, card.member_id) if card else None
    if data.member_id:
        named = require_member(uow, stored.program_id, data.member_id)
        if member is not None and named.member_id != member.member_id:
            raise Invalid("卡号与会员不符 / card belongs to another member", code="card_mismatch")
        member = named
    if member is not None:
        return _Named(member, card, by_phone=False)
    assert data.identify is not None and data.identify.phone  # the request validator saw to it
    return _Named(_by_phone(uow, stored, sealer, data.identify.phone), None, by_phone=True)


def _shown_card(uow: UnitOfWork, stored: StoredProgram, card_no: str) -> Card:
    card = find_card(uow, stored, card_no, lock=True)
    if card.status == CardStatus.LOST:
        raise Forbidden("该卡已挂失 / this card is reported lost", code="card_lost")
    if card.status != CardStatus.ACTIVE:
        raise Forbidden(f"该卡已停用 / this card is {card.status}", code="card_inactive")
    return card


def _by_phone(uow: UnitOfWork, stored: StoredProgram, sealer: Sealer, phone: str) -> Member:
    if not stored.program.cards.phone_is_account:
        raise Invalid(
            "本方案不以手机号作为会员账号 / this program does not take the phone number "
            "as the account: name the member by member_id or card_no",
            code="phone_not_account",
        )
    normalized = normalize_mobile(phone)
    if normalized is None:
        raise Invalid("手机号格式不正确 / not a valid mobile number", code="invalid_phone")
    member = uow.identity.member_by_phone_hashes(
        stored.program_id, sealer.lookup_hashes(normalized)
    )
    if member is None:
        raise NotFound("没有该手机号的会员 / no member with this phone", "member_not_found")
    return member


def _require_given(needed: tuple[str, ...], data: PurchaseIn) -> None:
    """Without the card, the program's identification fields must all be given."""
    ident = data.identify
    given = {
        "card_no": data.card_no,
        "name": ident.name if ident else None,
        "phone": ident.phone if ident else None,
        "password": ident.password if ident else None,
        "id_number": ident.id_number if ident else None,
    }
    missing = [f for f in needed if not given[f]]
    if missing:
        raise Invalid(
            "未出示会员卡须报：" + "、".join(missing) + " / without the card, the member "
            f"must give: {', '.join(missing)}",
            code="identification_required",
            fields=missing,
        )


def _check(
    uow: UnitOfWork,
    stored: StoredProgram,
    sealer: Sealer,
    named: _Named,
    data: PurchaseIn,
    now: datetime,
) -> str:
    """Every identification field given must match the member named; a wrong one is refused
    (audited and committed). A right password clears the card's count of wrong ones."""
    ident = data.identify
    card = named.card
    attempt = Attempt(True)
    if ident is not None:
        ok = _details_match(sealer, named, ident)
        if ident.password:
            card = _password_card(uow, stored, named)
            attempt = check_pin(uow, stored, card, ident.password, now)
        attempt = Attempt(ok and attempt.ok, attempt.counted_card, attempt.locked)
    refuse_failed(
        uow,
        stored,
        attempt,
        "till.identification_refused",
        None,
        now,
        {"card_presented": data.card_presented},
        program_id=stored.program_id,
        member_id=named.member.member_id,
        card_no=card.card_no if card is not None else None,
        ref=data.receipt_no,
    )
    if attempt.counted_card is not None:
        clear_guard(uow, stored, attempt.counted_card)
        uow.commit()
    return named.member.member_id


def _details_match(sealer: Sealer, named: _Named, ident: IdentifyIn) -> bool:
    """The name, phone and ID number given, each checked (all of them, whatever the first)."""
    member = named.member
    checks = []
    if ident.name:
        checks.append(same_name(member.name, ident.name))
    if ident.phone and not named.by_phone:
        checks.append(phone_matches(sealer, member, ident.phone))
    if ident.id_number:
        checks.append(id_matches(sealer, member, ident.id_number))
    return all(checks)


def _password_card(uow: UnitOfWork, stored: StoredProgram, named: _Named) -> Card:
    """The card a password is checked against: the one shown, or the member's active card."""
    card = named.card
    if card is None:
        card_no = uow.members.active_card(stored.program_id, named.member.member_id)
        card = find_card(uow, stored, card_no, lock=True) if card_no else None
    if card is None or not card.pin_hash:
        raise Invalid("该卡未设密码 / this card has no password", code="card_password_not_set")
    return card
