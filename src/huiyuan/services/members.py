"""Enrolling members, finding them, activating them, and how a member is shown."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.exc import IntegrityError

from ..domain.calendar import MonthDay, add_months, business_date, zone
from ..domain.identity import card_valid, luhn_digit, normalize_mobile, normalize_resident_id
from ..domain.money import ZERO, fmt
from ..domain.program import Activation, JoinKind, Membership, Program
from ..domain.records.members import Card, Member
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..security import mask_phone
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .context import Context, require_member, require_program
from .inputs import MemberIn, moment

FIELD_NAMES_ZH = {
    "name": "姓名",
    "phone": "手机号",
    "birthday": "生日",
    "id_number": "证件号码",
    "address": "地址",
    "anniversary": "纪念日",
}

_hasher = PasswordHasher()


def new_member_id() -> str:
    return "M" + secrets.token_hex(8).upper()


def new_card_no(uow: UnitOfWork) -> str:
    while True:
        body = "8" + "".join(secrets.choice("0123456789") for _ in range(14))
        card_no = body + luhn_digit(body)
        if not uow.members.card_exists(card_no):
            return card_no


def _check_join(program: Program, data: MemberIn, joined: date) -> None:
    terms = program.membership
    if data.kind not in terms.kinds:
        raise Invalid(
            f"本方案不接受该会员类型 / member kind {data.kind!r} is not offered "
            f"(offered: {', '.join(terms.kinds)})",
            code="kind_not_offered",
        )
    required = terms.required_fields
    if data.kind == "unit":  # a unit joins with its name and phone only
        required = tuple(f for f in required if f in ("name", "phone"))
    missing = [f for f in required if not getattr(data, f)]
    if missing:
        zh = "、".join(FIELD_NAMES_ZH[f] for f in missing)
        raise Invalid(
            f"缺少必填资料：{zh} / required fields missing: {', '.join(missing)}",
            code="missing_fields",
            fields=missing,
        )
    if data.is_staff and not terms.staff_may_join:
        raise Invalid("内部员工不能办理会员卡 / staff may not join", code="staff_not_allowed")
    if data.id_number and data.id_type not in terms.id_types:
        raise Invalid(
            f"不接受该证件类型 / id_type {data.id_type!r} is not accepted "
            f"(accepted: {', '.join(terms.id_types)})",
            code="id_type_not_accepted",
        )
    _check_kind_and_age(terms, data, joined)  # issue 5
    spend = data.qualifying_spend or ZERO
    fee = data.fee_paid or ZERO
    conditions = terms.join_conditions(data.kind)
    for cond in conditions:
        if cond.kind is JoinKind.ANY:
            return
        if cond.kind is JoinKind.FEE and fee >= cond.amount:
            return
        if cond.kind in (JoinKind.RECEIPT_AT_LEAST, JoinKind.SAME_DAY_SPEND_AT_LEAST) and (
            spend >= cond.amount
        ):
            return
        if cond.kind is JoinKind.FIRST_PURCHASE and spend > 0:
            return
    options = "; ".join(
        f"{c.kind.value} {fmt(c.amount)}" for c in conditions if c.kind is not JoinKind.ANY
    )
    raise Invalid(
        f"未满足入会条件 / join conditions not met ({options})", code="join_condition_not_met"
    )


def _check_kind_and_age(terms: Membership, data: MemberIn, joined: date) -> None:
    """A group member names one of the program's group levels (only a group member has
    one); where the program sets a minimum age, a person gives a birthday with the year and is
    that old on the day of joining (18 on the 18th birthday; Feb 29 births on Feb 28)."""
    if data.kind == "group" and terms.group_levels and data.group_level not in terms.group_levels:
        raise Invalid(
            f"集团会员须注明级别 / a group member needs group_level, one of "
            f"{', '.join(terms.group_levels)}",
            code="group_level_required",
        )
    if data.kind != "group" and data.group_level is not None:
        raise Invalid(
            "只有集团会员有级别 / group_level is only for group members",
            code="group_level_not_allowed",
        )
    if terms.min_age is None or data.kind != "personal":
        return
    born = MonthDay.parse(data.birthday) if data.birthday else None
    if born is None or born.year is None:
        raise Invalid(
            f"须提供出生年月日以核实年满 {terms.min_age} 周岁 / a birthday with the year is "
            f"needed to check the minimum age {terms.min_age}",
            code="birthday_required",
        )
    age = born.age_on(joined)
    if age is None or age < terms.min_age:
        raise Invalid(
            f"须年满 {terms.min_age} 周岁 / must be at least {terms.min_age}",
            code="too_young",
        )


def enroll(
    ctx: Context, program_code: str, data: MemberIn, actor: str | None = None
) -> dict[str, Any]:
    now = ctx.now()
    joined_at = moment(data.joined_at, now)
    phone = normalize_mobile(data.phone) if data.phone else None
    if data.phone and phone is None:
        raise Invalid(
            "手机号不是有效的大陆手机号码 / not a valid mainland mobile number",
            code="invalid_phone",
        )
    id_number = data.id_number
    if id_number and data.id_type == "resident_id":
        id_number = normalize_resident_id(id_number)
        if id_number is None:
            raise Invalid(
                "身份证号码校验失败 / invalid resident ID number", code="invalid_id_number"
            )
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        program = stored.program
        tz = zone(program.timezone)
        _check_join(program, data, business_date(joined_at, tz))
        sealer = ctx.sealer
        phone_hash = sealer.lookup_hash(phone)
        # Every key's hash: a row not yet re-hashed by a key rotation still counts.
        if phone_hash and uow.identity.member_by_phone_hashes(
            stored.program_id, sealer.lookup_hashes(phone)
        ):
            raise Conflict(
                "该手机号已是本方案会员 / a member with this phone already exists",
                code="phone_taken",
            )
        if data.referrer_id and uow.members.get(stored.program_id, data.referrer_id) is None:
            raise Invalid("推荐人不存在 / unknown referrer", code="unknown_referrer")
        pending = program.membership.activation is Activation.PENDING
        status = "pending" if pending else "active"
        valid_until = _valid_until(program, joined_at)
        member_id = new_member_id()
        _add_member(
            uow,
            {
                "program_id": stored.program_id,
                "member_id": member_id,
                "status": status,
                "kind": data.kind,
                "tier": program.first_tier,
                "name": data.name,
                "phone_enc": sealer.seal(phone),
                "phone_hash": phone_hash,
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
                "guide_since": joined_at if data.guide_id else None,
                "store": data.store,
                "merchant": data.merchant,
                "joined_at": joined_at,
                "valid_until": valid_until,
                "attributes": {},
                "points": 0,
                "debt": 0,
                "points_earned_total": 0,
                "stored_value": ZERO,
                "carry": {},
                "created_at": now,
                "updated_at": now,
            },
        )
        card_no = new_card_no(uow)
        pin_hash = _hasher.hash(data.card_password) if data.card_password else None
        uow.members.add_card(stored.program_id, member_id, card_no, pin_hash, now)
        uow.members.record(
            stored.program_id,
            member_id,
            "joined",
            {"tier": program.first_tier, "status": status},
            actor,
            joined_at,
            now,
        )
        if data.guide_id:
            uow.guides.record_change(
                stored.program_id, member_id, None, data.guide_id, "opened", joined_at, None
            )
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict(
                "该手机号已是本方案会员 / a member with this phone already exists",
                code="phone_taken",
            ) from None
    return {
        "member_id": member_id,
        "status": status,
        "tier": program.first_tier,
        "card_no": card_no,
    }


def _add_member(uow: UnitOfWork, values: dict[str, Any]) -> None:
    """Inserts a member. On PostgreSQL a concurrent enrolment with the same phone fails here, at
    the insert (the unique index waits for the other transaction), not at commit: a 409 too."""
    try:
        uow.members.add(values)
    except IntegrityError:
        raise Conflict(
            "该手机号已是本方案会员 / a member with this phone already exists",
            code="phone_taken",
        ) from None


def _valid_until(program: Program, joined_at: datetime) -> date | None:
    months = program.membership.validity_months
    if months is None:
        return None
    start = business_date(joined_at, zone(program.timezone))
    return add_months(start, months) - timedelta(days=1)


def member_view(stored: StoredProgram, row: Member, card_no: str | None) -> dict[str, Any]:
    return {
        "member_id": row.member_id,
        "status": row.status,
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


def get_member(ctx: Context, program_code: str, member_id: str) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id)
        return member_view(stored, row, uow.members.active_card(stored.program_id, member_id))


def find_members(
    ctx: Context, program_code: str, phone: str | None = None, card_no: str | None = None
) -> list[dict[str, Any]]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        rows: list[Member] = []
        if phone:
            normalized = normalize_mobile(phone)
            if normalized is None:
                raise Invalid("手机号格式不正确 / not a valid mobile number", code="invalid_phone")
            hashes = ctx.sealer.lookup_hashes(normalized)
            found = uow.identity.member_by_phone_hashes(stored.program_id, hashes)
            rows = [found] if found else []
        elif card_no:
            card = uow.members.card(stored.program_id, card_no)
            found = uow.members.get(stored.program_id, card.member_id) if card else None
            rows = [found] if found else []
        else:
            raise Invalid(
                "按手机号或卡号查询 / search by phone or card_no", code="search_term_missing"
            )
        return [
            member_view(stored, r, uow.members.active_card(stored.program_id, r.member_id))
            for r in rows
        ]


def check_store(stored: StoredProgram, row: Any, store: str | None) -> None:
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
    if card.status == "lost":
        raise Forbidden("该卡已挂失 / this card is reported lost", code="card_lost")
    if card.status != "active":
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


def activate(
    ctx: Context, program_code: str, member_id: str, occurred_at: datetime | None, actor: str | None
) -> dict[str, Any]:
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id, lock=True)
        if row.status == "pending":
            uow.members.update(stored.program_id, member_id, status="active", updated_at=now)
            uow.members.record(
                stored.program_id,
                member_id,
                "status",
                {"from": "pending", "to": "active", "by": "staff"},
                actor,
                moment(occurred_at, now),
                now,
            )
        elif row.status != "active":
            raise Invalid(
                f"会员状态为 {row.status}，不能开通 / cannot activate", code="not_pending"
            )
        uow.commit()
    return get_member(ctx, program_code, member_id)
