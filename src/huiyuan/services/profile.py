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
from typing import Any, get_args

from ..domain.calendar import MonthDay
from ..domain.conditions import check_id_type, names_zh, required_fields
from ..domain.program import Membership, Program
from ..domain.records.members import Member
from ..errors import Forbidden, Invalid
from ..security import Sealer, mask_address, mask_id, mask_phone
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit
from .context import Context, require_member, require_program
from .inputs import IdType
from .members import checked_id_number, member_with_phone, mobile, phone_taken
from .results.members import PersonalData

PROFILE_FIELDS = ("name", "phone", "id_number", "id_type", "address", "birthday", "anniversary")
ID_TYPES: tuple[str, ...] = get_args(IdType)


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
) -> None:
    """Applies profile changes to a member (locked by the caller) and records them.

    `changes` maps profile fields to new values (None clears a field the program does not
    require); `actor` is the API Caller (or a "role:name" string). Nothing changed → nothing
    recorded."""
    who = audit.actor_of(actor)
    _check_may_change(stored.program, changes, who)
    draft = _Draft(member_row, changes, sealer)
    draft.name()
    draft.phone(uow, stored.program_id)
    draft.id_document(stored.program.membership)
    draft.address()
    draft.days()
    if draft.detail:
        _check_required_kept(stored.program.membership, member_row.kind, draft.detail)
        _record(uow, stored.program_id, draft, who, at, now or at)


def _check_may_change(program: Program, changes: dict[str, Any], who: audit.Actor) -> None:
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


class _Draft:
    """A member's profile being changed: the new column values (sealed where personal) and,
    field by field, what the change shows ({"from", "to"}, phone, ID number and address
    masked)."""

    def __init__(self, member: Member, changes: dict[str, Any], sealer: Sealer):
        self.member = member
        self.changes = changes
        self.sealer = sealer
        self.values: dict[str, Any] = {}
        self.detail: dict[str, dict[str, Any]] = {}
        self.old_phone = sealer.open(member.phone_enc)
        self.old_id = sealer.open(member.id_number_enc)
        self.old_address = sealer.open(member.address_enc)

    def change(self, field: str, shown_from: Any, shown_to: Any, **values: Any) -> None:
        self.values.update(values)
        self.detail[field] = {"from": shown_from, "to": shown_to}

    def name(self) -> None:
        if "name" in self.changes:
            name = _text("name", self.changes["name"], 200)
            if name != self.member.name:
                self.change("name", self.member.name, name, name=name)

    def phone(self, uow: UnitOfWork, program_id: int) -> None:
        """A new phone is refused when another member of the program has it."""
        if "phone" not in self.changes:
            return
        raw = _text("phone", self.changes["phone"], 20)
        phone = mobile(raw) if raw else None
        if phone == self.old_phone:
            return
        if phone:
            taken = member_with_phone(uow, self.sealer, program_id, phone)
            if taken is not None and taken.member_id != self.member.member_id:
                raise phone_taken()
        self.change(
            "phone",
            mask_phone(self.old_phone),
            mask_phone(phone),
            phone_enc=self.sealer.seal(phone),
            phone_hash=self.sealer.lookup_hash(phone),
            phone_masked=mask_phone(phone),
        )

    def id_document(self, terms: Membership) -> None:
        """The ID number and its type change together: a new type checks the number kept (a
        resident ID's checksum) and a number without a type is of the type it had."""
        id_type = self._id_type()
        if "id_number" not in self.changes and not ("id_type" in self.changes and self.old_id):
            return
        raw = _text("id_number", self.changes.get("id_number", self.old_id), 40)
        id_number = checked_id_number(raw, id_type)
        if id_number:
            check_id_type(terms, id_type)
        if id_number != self.old_id:
            self.change(
                "id_number",
                mask_id(self.old_id),
                mask_id(id_number),
                id_number_enc=self.sealer.seal(id_number),
                id_hash=self.sealer.lookup_hash(id_number),
            )
        new_type = id_type if id_number else None
        if new_type != self.member.id_type:
            self.change("id_type", self.member.id_type, new_type, id_type=new_type)

    def _id_type(self) -> str:
        id_type = self.changes.get("id_type")
        if id_type is None:
            return self.member.id_type or "resident_id"
        if id_type not in ID_TYPES:
            raise Invalid(f"未知证件类型 / unknown id_type {id_type!r}", code="validation_error")
        return str(id_type)

    def address(self) -> None:
        if "address" in self.changes:
            address = _text("address", self.changes["address"], 300)
            if address != self.old_address:
                shown = (mask_address(self.old_address), mask_address(address))
                self.change("address", *shown, address_enc=self.sealer.seal(address))

    def days(self) -> None:
        for field in ("birthday", "anniversary"):
            if field in self.changes:
                day = _month_day(field, self.changes[field])
                old = getattr(self.member, field)
                if day != old:
                    self.change(field, old, day, **{field: day})


def _check_required_kept(terms: Membership, kind: str, detail: dict[str, Any]) -> None:
    cleared = [f for f in required_fields(terms, kind) if f in detail and detail[f]["to"] is None]
    if cleared:
        raise Invalid(
            f"必填资料不能清空：{names_zh(cleared)} / required fields cannot be cleared: "
            f"{', '.join(cleared)}",
            code="missing_fields",
            fields=cleared,
        )


def _record(
    uow: UnitOfWork,
    program_id: int,
    draft: _Draft,
    who: audit.Actor,
    at: datetime,
    now: datetime,
) -> None:
    """Writes the new values, the member's history and the audit log. The history masks phone,
    ID number and address (names and birthdays are kept in clear in the member's record too);
    the audit log masks everything."""
    member_id = draft.member.member_id
    uow.members.update(program_id, member_id, updated_at=now, **draft.values)
    detail = draft.detail
    uow.members.record(program_id, member_id, "profile", {"changes": detail}, who.label, at, now)
    audit.record(
        uow,
        "member.profile_changed",
        who,
        now,
        program_id=program_id,
        member_id=member_id,
        occurred_at=at,
        detail={"fields": sorted(detail), "changes": audit.masked(detail)},
    )


def personal_data(ctx: Context, program_code: str, member_id: str, who: Any) -> PersonalData:
    """A member's personal data in clear, for those allowed to see it; every view is audited."""
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id)
        sealer = ctx.sealer
        answer: PersonalData = {
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
