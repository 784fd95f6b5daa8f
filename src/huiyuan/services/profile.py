"""Member data changed by staff, and personal data shown to those who may see it.

`apply_profile_change` is the one way a member's profile (name, phone, ID number and type,
address, birthday, anniversary) changes after joining: it validates like joining does, seals
phone, ID number and address, refreshes the lookup hashes and the masked phone, enforces the
program's `[access] data_changes_need_role` (jewelry: 会员卡资料不予随意更改 — a manager), and
records every change in the member's history and the audit log with who made it and when —
masked values only. The caller owns the unit of work (it commits).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.calendar import MonthDay
from ..domain.identity import normalize_mobile, normalize_resident_id
from ..domain.records.members import Member
from ..errors import Conflict, Forbidden, Invalid
from ..security import Sealer, mask_address, mask_id, mask_phone
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit
from .context import Context, require_member, require_program

PROFILE_FIELDS = ("name", "phone", "id_number", "id_type", "address", "birthday", "anniversary")
ID_TYPES = ("resident_id", "passport", "student", "military", "other")
FIELD_NAMES_ZH = {
    "name": "姓名",
    "phone": "手机号",
    "birthday": "生日",
    "id_number": "证件号码",
    "address": "地址",
    "anniversary": "纪念日",
}


def _text(field: str, value: Any, max_len: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field} 须为文字 / {field} must be text", code="validation_error")
    value = value.strip()
    if "\x00" in value or len(value) > max_len:
        raise Invalid(
            f"{field} 过长或含非法字符 / {field} is too long or holds a NUL character",
            code="validation_error",
        )
    return value or None


def _month_day(field: str, value: Any) -> str | None:
    text = _text(field, value, 10)
    if text is None:
        return None
    try:
        MonthDay.parse(text)
    except (ValueError, TypeError):
        raise Invalid(
            f"{field} 须为 YYYY-MM-DD 或 --MM-DD / {field} must be YYYY-MM-DD or --MM-DD",
            code="validation_error",
        ) from None
    return text


def apply_profile_change(
    uow: UnitOfWork,
    stored: StoredProgram,
    member_row: Member,
    changes: dict[str, Any],
    actor: Any,
    at: datetime,
    sealer: Sealer,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Applies profile changes to a member (locked by the caller) and records them.

    `changes` maps profile fields to new values (None clears a field the program does not
    require); `actor` is the API Caller (or a "role:name" string). Returns {"changed": [field,
    ...], "detail": {field: {"from": masked, "to": masked}}}; nothing changed → nothing recorded.
    """
    now = now or at
    program = stored.program
    who = audit.actor_of(actor)
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise Invalid(
            f"不能修改的资料项 / not profile fields: {', '.join(unknown)}",
            code="unknown_field",
            fields=unknown,
        )
    need = program.access.data_changes_need_role
    if need is not None and not who.at_least(need):
        raise Forbidden(
            f"会员资料不予随意更改，须{need}办理 / member data may be changed only by a {need}",
            code="data_change_needs_role",
            role_needed=need,
        )
    pid, mid = stored.program_id, member_row.member_id
    values: dict[str, Any] = {}
    detail: dict[str, dict[str, Any]] = {}

    def change(field: str, old_shown: Any, new_shown: Any) -> None:
        detail[field] = {"from": old_shown, "to": new_shown}

    old_phone = sealer.open(member_row.phone_enc)
    old_id = sealer.open(member_row.id_number_enc)
    old_address = sealer.open(member_row.address_enc)

    if "name" in changes:
        name = _text("name", changes["name"], 200)
        if name != member_row.name:
            values["name"] = name
            change("name", member_row.name, name)
    if "phone" in changes:
        raw = _text("phone", changes["phone"], 20)
        phone = normalize_mobile(raw) if raw else None
        if raw and phone is None:
            raise Invalid(
                "手机号不是有效的大陆手机号码 / not a valid mainland mobile number",
                code="invalid_phone",
            )
        if phone != old_phone:
            if phone:
                taken = uow.identity.member_by_phone_hashes(pid, sealer.lookup_hashes(phone))
                if taken is not None and taken.member_id != mid:
                    raise Conflict(
                        "该手机号已是本方案会员 / a member with this phone already exists",
                        code="phone_taken",
                    )
            values.update(
                phone_enc=sealer.seal(phone),
                phone_hash=sealer.lookup_hash(phone),
                phone_masked=mask_phone(phone),
            )
            change("phone", mask_phone(old_phone), mask_phone(phone))
    id_type = member_row.id_type or "resident_id"
    if "id_type" in changes and changes["id_type"] is not None:
        id_type = changes["id_type"]
        if id_type not in ID_TYPES:
            raise Invalid(f"未知证件类型 / unknown id_type {id_type!r}", code="validation_error")
    if "id_number" in changes or ("id_type" in changes and old_id):
        raw = _text("id_number", changes.get("id_number", old_id), 40)
        id_number = raw
        if raw and id_type == "resident_id":
            id_number = normalize_resident_id(raw)
            if id_number is None:
                raise Invalid(
                    "身份证号码校验失败 / invalid resident ID number", code="invalid_id_number"
                )
        if id_number and id_type not in program.membership.id_types:
            raise Invalid(
                f"不接受该证件类型 / id_type {id_type!r} is not accepted",
                code="id_type_not_accepted",
            )
        new_type = id_type if id_number else None
        if id_number != old_id:
            values.update(
                id_number_enc=sealer.seal(id_number), id_hash=sealer.lookup_hash(id_number)
            )
            change("id_number", mask_id(old_id), mask_id(id_number))
        if new_type != member_row.id_type:
            values["id_type"] = new_type
            change("id_type", member_row.id_type, new_type)
    if "address" in changes:
        address = _text("address", changes["address"], 300)
        if address != old_address:
            values["address_enc"] = sealer.seal(address)
            change("address", mask_address(old_address), mask_address(address))
    for field in ("birthday", "anniversary"):
        if field in changes:
            day = _month_day(field, changes[field])
            if day != getattr(member_row, field):
                values[field] = day
                change(field, getattr(member_row, field), day)
    if not detail:
        return {"changed": [], "detail": {}}
    required = program.membership.required_fields
    if member_row.kind == "unit":
        required = tuple(f for f in required if f in ("name", "phone"))
    cleared = [f for f in required if f in detail and detail[f]["to"] is None]
    if cleared:
        zh = "、".join(FIELD_NAMES_ZH.get(f, f) for f in cleared)
        raise Invalid(
            f"必填资料不能清空：{zh} / required fields cannot be cleared: {', '.join(cleared)}",
            code="missing_fields",
            fields=cleared,
        )
    uow.members.update(pid, mid, updated_at=now, **values)
    # History: phone, ID number and address masked (names and birthdays are kept in clear in
    # the member's record too); the audit log masks everything.
    uow.members.record(pid, mid, "profile", {"changes": detail}, who.label, at, now)
    masked_detail = audit.masked(detail)
    audit.record(
        uow,
        "member.profile_changed",
        who,
        now,
        program_id=pid,
        member_id=mid,
        occurred_at=at,
        detail={"fields": sorted(detail), "changes": masked_detail},
    )
    return {"changed": sorted(detail), "detail": masked_detail}


def personal_data(ctx: Context, program_code: str, member_id: str, who: Any) -> dict[str, Any]:
    """A member's personal data in clear, for those allowed to see it; every view is audited."""
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id)
        sealer = ctx.sealer
        answer = {
            "member_id": row.member_id,
            "name": row.name,
            "phone": sealer.open(row.phone_enc),
            "id_type": row.id_type,
            "id_number": sealer.open(row.id_number_enc),
            "address": sealer.open(row.address_enc),
            "birthday": row.birthday,
            "anniversary": row.anniversary,
        }
        audit.record(
            uow,
            "member.personal_data_viewed",
            who,
            now,
            program_id=stored.program_id,
            member_id=row.member_id,
        )
        uow.commit()
    return answer
