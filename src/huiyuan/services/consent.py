"""Consent records: a shared account's holder agreeing to someone else spending its points."""

from __future__ import annotations

from datetime import datetime

from ..domain.identity import normalize_mobile, normalize_resident_id
from ..errors import Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .context import Context
from .inputs import ConsentIn


def record_consent(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    member_id: str,
    account_user: str | None,
    consent: ConsentIn | None,
    ref_kind: str,
    ref: str,
    at: datetime,
    keep: bool = True,
) -> None:
    """Someone other than the holder spends the account's points: they must be an authorised
    user, and the program may require the holder's consent, kept sealed with the spending.
    A quote checks the same (`keep=False`) without storing anything."""
    if account_user is None:
        return
    shared = stored.program.shared_accounts
    if shared is None:
        raise Invalid("本方案不支持共享账户 / no shared accounts here", code="not_offered")
    user = uow.perks.user(stored.program_id, member_id, account_user)
    if user is None or user.status != "active":
        raise Invalid("该使用人未获授权 / not an authorised user", code="not_authorised_user")
    if not shared.consent_required:
        return
    given = _checked(consent)
    if keep:
        uow.perks.add_consent(
            {
                "program_id": stored.program_id,
                "member_id": member_id,
                "ref_kind": ref_kind,
                "ref": ref,
                "user_no": account_user,
                "holder_confirmed_by_phone": True,
                "user_name": given.user_name,
                "user_id_number_enc": ctx.sealer.seal(given.user_id_number),
                "user_address_enc": ctx.sealer.seal(given.user_address),
                "user_mobile_enc": ctx.sealer.seal(given.user_mobile),
                "signature": given.signature,
                "occurred_at": at,
            }
        )


def _checked(consent: ConsentIn | None) -> ConsentIn:
    """The holder's consent, confirmed by phone, naming the user by a valid ID and mobile."""
    if consent is None or not consent.holder_confirmed_by_phone:
        raise Invalid(
            "他人使用积分须持卡人电话确认并登记使用人姓名、身份证号、地址、手机、签名 / "
            "the holder's phone confirmation and the user's name, ID number, address, mobile "
            "and signature are required",
            code="consent_required",
        )
    if normalize_resident_id(consent.user_id_number) is None:
        raise Invalid("使用人身份证号码无效 / invalid ID number", code="invalid_id_number")
    if normalize_mobile(consent.user_mobile) is None:
        raise Invalid("使用人手机号无效 / invalid mobile", code="invalid_phone")
    return consent
