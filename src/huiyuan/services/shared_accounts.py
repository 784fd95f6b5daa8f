"""Authorised users of a shared account (counter): they may earn into it, and spend its points
with the holder's consent (services/consent.py keeps the consent records)."""

from __future__ import annotations

from datetime import datetime

from ..domain.identity import normalize_mobile, normalize_resident_id
from ..domain.program import SharedAccounts
from ..domain.records.rewards import AccountUser
from ..domain.statuses import AccountUserStatus
from ..errors import Invalid
from ..security import mask_phone
from ..store.repos.programs import StoredProgram
from .context import Context, require_member, require_program
from .inputs import AccountUserIn, moment
from .results.rewards import AccountUserAdded, AccountUserItem, AccountUsers


def _shared(stored: StoredProgram) -> SharedAccounts:
    shared = stored.program.shared_accounts
    if shared is None:
        raise Invalid("本方案不支持共享账户 / no shared accounts here", code="not_offered")
    return shared


def add_account_user(
    ctx: Context, program_code: str, member_id: str, data: AccountUserIn
) -> AccountUserAdded:
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        shared = _shared(stored)
        require_member(uow, stored.program_id, member_id, lock=True)
        mobile, id_number = _identity(data)
        users = uow.perks.users(stored.program_id, member_id)
        if len([u for u in users if u.status == AccountUserStatus.ACTIVE]) >= shared.max_users:
            raise Invalid(
                f"授权人数已满 {shared.max_users} / at most {shared.max_users} users",
                code="too_many_users",
            )
        user_no = f"U{len(users) + 1:03d}"
        at = moment(data.occurred_at, now)
        user = _new_user(ctx, stored.program_id, member_id, user_no, data, mobile, id_number, at)
        uow.perks.add_user(user)
        uow.commit()
        return {"user_no": user_no, "name": data.name, "mobile": user.mobile_masked}


def _new_user(
    ctx: Context,
    program_id: int,
    member_id: str,
    user_no: str,
    data: AccountUserIn,
    mobile: str,
    id_number: str,
    at: datetime,
) -> AccountUser:
    """The user as kept: personal data sealed, the mobile also masked for display."""
    masked = mask_phone(mobile)
    assert masked is not None  # a normalised mobile number is never empty
    return AccountUser(
        program_id=program_id,
        member_id=member_id,
        user_no=user_no,
        name=data.name,
        mobile_enc=_sealed(ctx, mobile),
        mobile_masked=masked,
        id_number_enc=_sealed(ctx, id_number),
        address_enc=_sealed(ctx, data.address),
        status=AccountUserStatus.ACTIVE,
        added_at=at,
    )


def _sealed(ctx: Context, text: str) -> str:
    sealed = ctx.sealer.seal(text)
    assert sealed is not None  # only empty text seals to nothing, and the input has none
    return sealed


def _identity(data: AccountUserIn) -> tuple[str, str]:
    """The user's mobile and resident ID number, normalised; refused when either is invalid."""
    mobile = normalize_mobile(data.mobile)
    if mobile is None:
        raise Invalid("手机号无效 / not a valid mobile number", code="invalid_phone")
    id_number = normalize_resident_id(data.id_number)
    if id_number is None:
        raise Invalid("身份证号码校验失败 / invalid resident ID number", code="invalid_id_number")
    return mobile, id_number


def account_users(ctx: Context, program_code: str, member_id: str) -> AccountUsers:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        users = uow.perks.users(stored.program_id, member_id)
    items: list[AccountUserItem] = [
        {"user_no": u.user_no, "name": u.name, "mobile": u.mobile_masked, "status": u.status.value}
        for u in users
    ]
    return {"items": items}
