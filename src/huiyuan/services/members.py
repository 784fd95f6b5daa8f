"""Enrolling members, finding them, activating them, and how a member is shown."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from argon2 import PasswordHasher
from sqlalchemy.exc import IntegrityError

from ..domain.calendar import add_months, business_date, zone
from ..domain.conditions import check_join
from ..domain.identity import card_valid, luhn_digit, normalize_mobile, normalize_resident_id
from ..domain.money import ZERO, fmt
from ..domain.program import Activation, Program
from ..domain.records.members import Card, Member
from ..domain.statuses import CardStatus, MemberStatus
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..security import Sealer, mask_phone
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .context import Context, require_member, require_program
from .inputs import MemberIn, moment
from .results.members import Enrolled, MemberView

_hasher = PasswordHasher()


def new_member_id() -> str:
    return "M" + secrets.token_hex(8).upper()


def new_card_no(uow: UnitOfWork) -> str:
    while True:
        body = "8" + "".join(secrets.choice("0123456789") for _ in range(14))
        card_no = body + luhn_digit(body)
        if not uow.members.card_exists(card_no):
            return card_no


# ----------------------------------------------------------------------------- phones


def mobile(raw: str) -> str:
    """A mainland mobile number in its one stored form; anything else is 422."""
    phone = normalize_mobile(raw)
    if phone is None:
        raise Invalid(
            "手机号不是有效的大陆手机号码 / not a valid mainland mobile number",
            code="invalid_phone",
        )
    return phone


def member_with_phone(
    uow: UnitOfWork, sealer: Sealer, program_id: int, phone: str
) -> Member | None:
    # Every key's hash: a row not yet re-hashed by a key rotation still counts.
    return uow.identity.member_by_phone_hashes(program_id, sealer.lookup_hashes(phone))


def phone_taken() -> Conflict:
    return Conflict(
        "该手机号已是本方案会员 / a member with this phone already exists", code="phone_taken"
    )


@contextmanager
def phone_unique() -> Iterator[None]:
    """A concurrent enrolment with the same phone meets the unique index: on PostgreSQL at the
    insert (the index waits for the other transaction), on SQLite at commit. A 409 either way."""
    try:
        yield
    except IntegrityError:
        raise phone_taken() from None


# ----------------------------------------------------------------------------- enrolment


def enroll(ctx: Context, program_code: str, data: MemberIn, actor: str | None = None) -> Enrolled:
    """A new member on the program's terms, with a card; a phone already a member's is 409."""
    now = ctx.now()
    joined_at = moment(data.joined_at, now)
    phone = mobile(data.phone) if data.phone else None
    id_number = checked_id_number(data.id_number, data.id_type)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        program = stored.program
        check_join(program.membership, data, business_date(joined_at, zone(program.timezone)))
        if phone and member_with_phone(uow, ctx.sealer, stored.program_id, phone):
            raise phone_taken()
        if data.referrer_id and uow.members.get(stored.program_id, data.referrer_id) is None:
            raise Invalid("推荐人不存在 / unknown referrer", code="unknown_referrer")
        joining = _Joining(stored, data, joined_at, now, new_member_id())
        with phone_unique():
            uow.members.add(joining.row(ctx.sealer, phone, id_number))
        card_no = _open_card(uow, joining, actor)
        with phone_unique():
            uow.commit()
    return {
        "member_id": joining.member_id,
        "status": joining.status,
        "tier": program.first_tier,
        "card_no": card_no,
    }


def checked_id_number(id_number: str | None, id_type: str) -> str | None:
    """The ID number as stored: a resident ID checked and in its one form."""
    if not id_number or id_type != "resident_id":
        return id_number
    normalized = normalize_resident_id(id_number)
    if normalized is None:
        raise Invalid("身份证号码校验失败 / invalid resident ID number", code="invalid_id_number")
    return normalized


@dataclass(frozen=True, slots=True)
class _Joining:
    """A member being enrolled: who, in which program, when."""

    stored: StoredProgram
    data: MemberIn
    joined_at: datetime
    now: datetime
    member_id: str

    @property
    def status(self) -> MemberStatus:
        pending = self.stored.program.membership.activation is Activation.PENDING
        return MemberStatus.PENDING if pending else MemberStatus.ACTIVE

    def row(self, sealer: Sealer, phone: str | None, id_number: str | None) -> dict[str, Any]:
        """The member's row: personal data sealed, the phone hashed for look-ups and masked
        for display, the first tier, no points."""
        data, now = self.data, self.now
        return {
            "program_id": self.stored.program_id,
            "member_id": self.member_id,
            "status": self.status,
            "kind": data.kind,
            "tier": self.stored.program.first_tier,
            "name": data.name,
            "phone_enc": sealer.seal(phone),
            "phone_hash": sealer.lookup_hash(phone),
            "phone_masked": mask_phone(phone),
            "id_number_enc": sealer.seal(id_number),
            "id_hash": sealer.lookup_hash(id_number),
            "address_enc": sealer.seal(data.address),
            "id_type": data.id_type if data.id_number else None,
            "birthday": data.birthday,
            "anniversary": data.anniversary,
            "group_level": data.group_level,
            "is_staff": data.is_staff,
            "referrer_id": data.referrer_id,
            "guide_id": data.guide_id,
            "guide_since": self.joined_at if data.guide_id else None,
            "store": data.store,
            "merchant": data.merchant,
            "joined_at": self.joined_at,
            "valid_until": _valid_until(self.stored.program, self.joined_at),
            "attributes": {},
            "points": 0,
            "debt": 0,
            "points_earned_total": 0,
            "stored_value": ZERO,
            "carry": {},
            "created_at": now,
            "updated_at": now,
        }


def _open_card(uow: UnitOfWork, joining: _Joining, actor: str | None) -> str:
    """The new member's card, the joining in its history and, with a guide, the guide's
    ownership from the moment of joining."""
    pid, mid, data = joining.stored.program_id, joining.member_id, joining.data
    card_no = new_card_no(uow)
    pin_hash = _hasher.hash(data.card_password) if data.card_password else None
    uow.members.add_card(pid, mid, card_no, pin_hash, joining.now)
    detail = {"tier": joining.stored.program.first_tier, "status": joining.status}
    uow.members.record(pid, mid, "joined", detail, actor, joining.joined_at, joining.now)
    if data.guide_id:
        uow.guides.record_change(pid, mid, None, data.guide_id, "opened", joining.joined_at, None)
    return card_no


def _valid_until(program: Program, joined_at: datetime) -> date | None:
    months = program.membership.validity_months
    if months is None:
        return None
    start = business_date(joined_at, zone(program.timezone))
    return add_months(start, months) - timedelta(days=1)


# ----------------------------------------------------------------------------- look-up


def member_view(stored: StoredProgram, row: Member, card_no: str | None) -> MemberView:
    return {
        "member_id": row.member_id,
        "status": MemberStatus(row.status),
        "kind": row.kind,
        "tier": row.tier,
        "tier_name": stored.program.tier(row.tier).name,
        "name": row.name,
        "phone": row.phone_masked,
        "points": int(row.points),
        "stored_value": fmt(row.stored_value or Decimal(0)),
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        "card_no": card_no,
        "guide_id": row.guide_id,
        "customer_class": row.customer_class,
        "attributes": row.attributes or {},
        "joined_at": row.joined_at.astimezone(zone(stored.program.timezone)).isoformat(),
    }


def get_member(ctx: Context, program_code: str, member_id: str) -> MemberView:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id)
        return member_view(stored, row, uow.members.active_card(stored.program_id, member_id))


def find_members(
    ctx: Context, program_code: str, phone: str | None = None, card_no: str | None = None
) -> list[MemberView]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        if phone:
            found = member_with_phone(uow, ctx.sealer, pid, mobile(phone))
        elif card_no:
            card = uow.members.card(pid, card_no)
            found = uow.members.get(pid, card.member_id) if card else None
        else:
            raise Invalid(
                "按手机号或卡号查询 / search by phone or card_no", code="search_term_missing"
            )
        if found is None:
            return []
        return [member_view(stored, found, uow.members.active_card(pid, found.member_id))]


class _InStore(Protocol):
    @property
    def store(self) -> str | None: ...


def check_store(stored: StoredProgram, row: _InStore, store: str | None) -> None:
    """A store-bound program's points are usable only in the member's own store (vip_points):
    a till or counter naming another store is refused. A member without a store, or a request
    naming none, is not restricted."""
    if not stored.program.access.store_bound or not store or not row.store:
        return
    if store != row.store:
        raise Forbidden(
            f"该会员卡仅限 {row.store} 店使用 / this membership is usable only in store "
            f"{row.store}, not {store}",
            code="other_store",
            member_store=row.store,
        )


def card_holder(card_no: str, card: Card | None, member_id: str | None) -> str:
    """Whose card `card_no` is (`card` its row, None if there is none), refused when its check
    digit is wrong, it is lost or out of use, or it belongs to another member than `member_id`."""
    if not card_valid(card_no):
        raise Invalid("卡号校验位不正确 / card number check digit is wrong", code="invalid_card")
    if card is None:
        raise NotFound("没有该会员卡 / no such card", code="card_not_found")
    if card.status == CardStatus.LOST:
        raise Forbidden("该卡已挂失 / this card is reported lost", code="card_lost")
    if card.status != CardStatus.ACTIVE:
        raise Forbidden(f"该卡已停用 / this card is {card.status}", code="card_inactive")
    if member_id and member_id != card.member_id:
        raise Invalid("卡号与会员不符 / card belongs to another member", code="card_mismatch")
    return str(card.member_id)


def resolve_member(
    uow: UnitOfWork,
    stored: StoredProgram,
    member_id: str | None,
    card_no: str | None,
    lock: bool,
    store: str | None = None,
) -> Member:
    """The member a till names, by id or card; a lost or replaced card is refused, and so is
    another store than the member's where the program is store-bound."""
    if card_no:
        card = uow.members.card(stored.program_id, card_no) if card_valid(card_no) else None
        member_id = card_holder(card_no, card, member_id)
    assert member_id is not None
    row = require_member(uow, stored.program_id, member_id, lock=lock)
    check_store(stored, row, store)
    return row


# ----------------------------------------------------------------------------- activation


def activate(
    ctx: Context, program_code: str, member_id: str, occurred_at: datetime | None, actor: str | None
) -> MemberView:
    """A pending member becomes active (by staff); an active one stays as it is."""
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id, lock=True)
        if row.status == MemberStatus.PENDING:
            uow.members.update(
                stored.program_id, member_id, status=MemberStatus.ACTIVE, updated_at=now
            )
            detail = {"from": MemberStatus.PENDING, "to": MemberStatus.ACTIVE, "by": "staff"}
            at = moment(occurred_at, now)
            uow.members.record(stored.program_id, member_id, "status", detail, actor, at, now)
        elif row.status != MemberStatus.ACTIVE:
            raise Invalid(
                f"会员状态为 {row.status}，不能开通 / cannot activate", code="not_pending"
            )
        uow.commit()
    return get_member(ctx, program_code, member_id)
