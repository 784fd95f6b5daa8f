"""Membership cards: loss reports, reissue, damaged-card exchange, cancellation, card passwords,
and identifying a member at the till without the card.

Points and stored value belong to the member, not to a card: a reissued card names the same
member, so it carries everything the member has; what happened before the loss report stays as
it happened (nothing moves back). Each program says in its `[cards]` section which loss channels
it offers, how long after a report a card may be reissued and for what fee, what a damaged-card
exchange costs, what a card-less purchase must give, and how many wrong card passwords lock a
card's phone channel for how long.

Wrong credentials are refused (403 wrong_credentials) and counted; the count and the audit row
are committed on their own so the refusal cannot roll them back. The lock uses the server's
clock, never a caller's `occurred_at`.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError

from ..domain.calendar import business_date, zone
from ..domain.identity import card_valid, normalize_mobile, normalize_resident_id
from ..domain.money import ZERO, fmt
from ..domain.program import LossChannel
from ..domain.records.members import Member
from ..errors import Conflict, Forbidden, HuiyuanError, Invalid, NotFound
from ..security import Sealer
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit
from .context import Context, require_member, require_program
from .idempotency import replay
from .inputs import (
    CardCancelIn,
    CardPasswordIn,
    PurchaseIn,
    ReissueIn,
    ReportLostIn,
    moment,
)
from .members import new_card_no

_hasher = PasswordHasher()


class PinLocked(HuiyuanError):
    status = 429
    code = "pin_locked"
    title = "Too many attempts"


# ----------------------------------------------------------------------------- helpers


def _card(uow: UnitOfWork, stored: StoredProgram, card_no: str, lock: bool = False) -> Row[Any]:
    if not card_valid(card_no):
        raise Invalid("卡号校验位不正确 / card number check digit is wrong", code="invalid_card")
    card = uow.identity.card(stored.program_id, card_no, lock=lock)
    if card is None:
        raise NotFound("没有该会员卡 / no such card", code="card_not_found")
    return card


def _same_name(on_file: str | None, given: str) -> bool:
    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return bool(on_file) and norm(on_file or "") == norm(given)


def _phone_matches(sealer: Sealer, member: Member, phone: str) -> bool:
    normalized = normalize_mobile(phone)
    if normalized is None or member.phone_hash is None:
        return False
    return member.phone_hash in sealer.lookup_hashes(normalized)


def _id_matches(sealer: Sealer, member: Member, id_number: str) -> bool:
    if member.id_hash is None:
        return False
    candidates = {id_number.strip()}
    resident = normalize_resident_id(id_number)
    if resident:
        candidates.add(resident)
    return any(member.id_hash in sealer.lookup_hashes(c) for c in candidates)


def _pin_matches(card: Row[Any], password: str) -> bool:
    if not card.pin_hash:
        return False
    try:
        return _hasher.verify(card.pin_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _guard_check(uow: UnitOfWork, stored: StoredProgram, card_no: str, now: datetime) -> None:
    guard = uow.identity.guard(stored.program_id, card_no)
    if guard is not None and guard.locked_until is not None and now < guard.locked_until:
        raise _locked(guard.locked_until, now)


def _locked(until: datetime, now: datetime) -> PinLocked:
    seconds = max(int((until - now).total_seconds()), 1)
    return PinLocked(
        "密码错误次数过多，电话渠道暂时锁定 / too many wrong card passwords: the card's phone "
        f"channel is locked until {until.isoformat()}",
        locked_until=until.isoformat(),
        retry_after_seconds=seconds,
    )


def _guard_fail(
    uow: UnitOfWork, stored: StoredProgram, card_no: str, now: datetime
) -> tuple[datetime | None, int]:
    """Counts a wrong attempt: (locked until, attempts left)."""
    rules = stored.program.cards
    window = timedelta(minutes=rules.pin_lock_minutes)
    guard = uow.identity.guard(stored.program_id, card_no)
    failures = 0
    last = guard.last_failed_at if guard is not None else None
    if guard is not None and last is not None and now - last < window:
        failures = int(guard.failures)
    failures += 1
    if failures >= rules.pin_attempts:
        until = now + window
        uow.identity.put_guard(stored.program_id, card_no, 0, now, until)
        return until, 0
    uow.identity.put_guard(stored.program_id, card_no, failures, now, None)
    return None, rules.pin_attempts - failures


def _guard_clear(uow: UnitOfWork, stored: StoredProgram, card_no: str) -> None:
    guard = uow.identity.guard(stored.program_id, card_no)
    if guard is not None and (guard.failures or guard.locked_until):
        uow.identity.put_guard(stored.program_id, card_no, 0, None, None)


def _refuse(
    uow: UnitOfWork,
    refusal: HuiyuanError,
    action: str,
    who: Any,
    now: datetime,
    detail: dict[str, Any],
    **where: Any,
) -> NoReturn:
    """Audits a refused card action and commits that record (and any counted wrong attempt)
    before refusing: the refusal itself must not roll the evidence back."""
    audit.record(
        uow, action, who, now, outcome="refused", detail={**detail, "code": refusal.code}, **where
    )
    uow.commit()
    raise refusal


def _wrong_credentials(
    uow: UnitOfWork, stored: StoredProgram, counted_card: str | None, now: datetime
) -> HuiyuanError:
    """The refusal for wrong credentials; on a channel that counts attempts, the attempt is
    counted against the card and may lock it."""
    if counted_card is None:
        return _wrong(None)
    until, left = _guard_fail(uow, stored, counted_card, now)
    return _locked(until, now) if until else _wrong(left)


def _wrong(attempts_left: int | None) -> Forbidden:
    extra: dict[str, Any] = {}
    if attempts_left is not None:
        extra["attempts_left"] = attempts_left
    return Forbidden(
        "身份信息或密码不正确 / the name, phone, card password or ID number does not match",
        code="wrong_credentials",
        **extra,
    )


def _reissue_until(stored: StoredProgram, reported_at: datetime) -> str | None:
    days = stored.program.cards.reissue_days
    if days is None:
        return None
    tz = zone(stored.program.timezone)
    return (business_date(reported_at, tz) + timedelta(days=days)).isoformat()


def _missing(**given: Any) -> list[str]:
    return [name for name, value in given.items() if not value]


# ----------------------------------------------------------------------------- loss reports


def report_lost(
    ctx: Context, program_code: str, card_no: str, data: ReportLostIn, who: Any
) -> dict[str, Any]:
    """A loss report by phone (name + phone + card password) or in store (the holder's ID);
    effective at once: from now on the till refuses the card (403 card_lost)."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    refusal: HuiyuanError | None = None
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        rules = stored.program.cards
        channel = LossChannel(data.channel)
        if channel not in rules.loss_channels:
            offered = ", ".join(c.value for c in rules.loss_channels) or "none"
            raise Invalid(
                f"本方案不受理该挂失方式 / loss reports by {channel.value} are not offered "
                f"(offered: {offered})",
                code="channel_not_offered",
            )
        card = _card(uow, stored, card_no, lock=True)
        if card.status not in ("active", "lost"):
            raise Conflict(f"该卡已停用 / this card is {card.status}", code="card_inactive")
        member = require_member(uow, stored.program_id, card.member_id)
        sealer = ctx.sealer
        counted = False
        ok = False
        if channel is LossChannel.PHONE:
            missing = _missing(name=data.name, phone=data.phone, password=data.password)
            if missing:
                raise Invalid(
                    "电话挂失须报姓名、电话和密码 / a phone report needs name, phone and password",
                    code="missing_fields",
                    fields=missing,
                )
            if not card.pin_hash:
                raise Invalid(
                    "该卡未设密码，请持证件到店挂失 / this card has no password: report the loss "
                    "in store with an ID document",
                    code="card_password_not_set",
                )
            try:
                _guard_check(uow, stored, card_no, now)
            except PinLocked as exc:
                refusal = exc
            if refusal is None:
                assert data.name and data.phone and data.password
                ok = _same_name(member.name, data.name)
                ok = _phone_matches(sealer, member, data.phone) and ok
                ok = _pin_matches(card, data.password) and ok
                counted = True
        else:
            if not data.id_number:
                raise Invalid(
                    "到店挂失须出示本人证件 / a report in store needs the holder's ID number",
                    code="missing_fields",
                    fields=["id_number"],
                )
            if member.id_hash:
                ok = _id_matches(sealer, member, data.id_number)
                if data.name:
                    ok = _same_name(member.name, data.name) and ok
            else:
                # No ID number on file (liquor asks only name and phone at joining): staff check
                # the document, and the name and phone must match the record.
                missing = _missing(name=data.name, phone=data.phone)
                if missing:
                    raise Invalid(
                        "会员未登记证件号码，须核对姓名和电话 / no ID number on file: name and "
                        "phone are needed",
                        code="missing_fields",
                        fields=missing,
                    )
                assert data.name and data.phone
                ok = _same_name(member.name, data.name)
                ok = _phone_matches(sealer, member, data.phone) and ok
        if refusal is None and not ok:
            refusal = _wrong_credentials(uow, stored, card_no if counted else None, now)
        if refusal is not None:
            _refuse(
                uow,
                refusal,
                "card.report_lost_refused",
                who,
                now,
                {"channel": channel.value},
                program_id=pid,
                member_id=member.member_id,
                card_no=card_no,
                occurred_at=at,
            )
        if counted:
            _guard_clear(uow, stored, card_no)
        reported_at = at
        if card.status == "lost":  # reported before: the same answer, nothing new
            first = uow.identity.last_event(pid, card_no, "reported_lost")
            reported_at = first.occurred_at if first is not None else at
        else:
            uow.identity.set_status(pid, card_no, "lost")
            actor = audit.actor_of(who).label
            uow.identity.add_event(
                pid, member.member_id, card_no, "reported_lost", at, now, actor, channel.value
            )
            uow.members.record(
                pid,
                member.member_id,
                "card_lost",
                {"card_no": card_no, "channel": channel.value},
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
                member_id=member.member_id,
                card_no=card_no,
                occurred_at=at,
                detail={"channel": channel.value},
            )
        uow.commit()
    return {
        "card_no": card_no,
        "status": "lost",
        "member_id": member.member_id,
        "reported_at": reported_at.astimezone(zone(stored.program.timezone)).isoformat(),
        "reissue_until": _reissue_until(stored, reported_at),
    }


# ----------------------------------------------------------------------------- new cards


def _replace(
    ctx: Context,
    program_code: str,
    card_no: str,
    data: ReissueIn,
    who: Any,
    kind: str,
) -> dict[str, Any]:
    """A new card for the member in place of `card_no`: `reissue` after a loss report, within
    the program's days and for its fee; `exchange` of a damaged (still active) card for a fee."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    request_kind = f"card_{kind}"
    fingerprint = ctx.fingerprint(data)
    try:
        with ctx.uow() as uow:
            stored = require_program(uow, program_code)
            pid = stored.program_id
            first = replay(uow, pid, request_kind, card_no, fingerprint)
            if first is not None:
                return first
            answer = _new_card(uow, stored, card_no, data, who, kind, at, now)
            uow.requests.put(pid, request_kind, card_no, fingerprint, 201, answer, now)
            uow.commit()
            return answer
    except IntegrityError:
        with ctx.uow(write=False) as uow:
            stored = require_program(uow, program_code)
            first = replay(uow, stored.program_id, request_kind, card_no, fingerprint)
            if first is None:
                raise Conflict("请重试 / please retry", code="retry") from None
            return first


def _new_card(
    uow: UnitOfWork,
    stored: StoredProgram,
    card_no: str,
    data: ReissueIn,
    who: Any,
    kind: str,
    at: datetime,
    now: datetime,
) -> dict[str, Any]:
    pid = stored.program_id
    rules = stored.program.cards
    tz = zone(stored.program.timezone)
    card = _card(uow, stored, card_no, lock=True)
    fee_paid = data.fee_paid if data.fee_paid is not None else ZERO
    if kind == "reissue":
        if card.status != "lost":
            raise Conflict(
                "只有已挂失的卡可以补办 / only a card reported lost can be reissued "
                f"(this card is {card.status})",
                code="card_not_lost",
            )
        report = uow.identity.last_event(pid, card_no, "reported_lost")
        reported_at = report.occurred_at if report is not None else card.issued_at
        if at < reported_at:
            raise Invalid(
                "补卡时间早于挂失时间 / the reissue is dated before the loss report",
                code="before_report",
            )
        until = _reissue_until(stored, reported_at)
        if until is not None and business_date(at, tz).isoformat() > until:
            raise Invalid(
                f"挂失后 {rules.reissue_days} 日内方可补卡（截至 {until}）/ a lost card can be "
                f"reissued within {rules.reissue_days} days of the report (through {until})",
                code="reissue_window_closed",
                reported_at=reported_at.astimezone(tz).isoformat(),
                reissue_until=until,
            )
        fee: Decimal = rules.reissue_fee
    else:
        if rules.exchange_fee is None:
            raise Invalid("本方案不办理换卡 / card exchange is not offered", code="not_offered")
        if card.status != "active":
            code = "card_lost" if card.status == "lost" else "card_inactive"
            raise Conflict(
                f"该卡状态为 {card.status}，不能换卡 / a {card.status} card cannot be exchanged"
                + (" (reissue it instead)" if card.status == "lost" else ""),
                code=code,
            )
        fee = rules.exchange_fee
    if fee_paid < fee:
        raise Invalid(
            f"工本费 {fmt(fee)} 元 / the card fee is {fmt(fee)} (paid {fmt(fee_paid)})",
            code="fee_too_low",
            fee=fmt(fee),
        )
    member = require_member(uow, stored.program_id, card.member_id, lock=True)
    new_no = new_card_no(uow)
    pin_hash = _hasher.hash(data.card_password) if data.card_password else card.pin_hash
    uow.members.add_card(pid, member.member_id, new_no, pin_hash, at)
    uow.identity.set_status(pid, card_no, "replaced")
    actor = audit.actor_of(who).label
    event = "reissued" if kind == "reissue" else "exchanged"
    uow.identity.add_event(
        pid, member.member_id, card_no, event, at, now, actor, new_card_no=new_no, fee=fee_paid
    )
    uow.identity.add_event(pid, member.member_id, new_no, "issued", at, now, actor)
    uow.members.record(
        pid,
        member.member_id,
        f"card_{event}",
        {"from": card_no, "to": new_no, "fee": fmt(fee_paid)},
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
        member_id=member.member_id,
        card_no=card_no,
        occurred_at=at,
        detail={"new_card_no": new_no, "fee_paid": fmt(fee_paid)},
    )
    return {
        "card_no": new_no,
        "replaces": card_no,
        "member_id": member.member_id,
        "points": int(member.points),
        "stored_value": fmt(member.stored_value or ZERO),
        "fee": fmt(fee_paid),
    }


def reissue(
    ctx: Context, program_code: str, card_no: str, data: ReissueIn, who: Any
) -> dict[str, Any]:
    return _replace(ctx, program_code, card_no, data, who, "reissue")


def exchange(
    ctx: Context, program_code: str, card_no: str, data: ReissueIn, who: Any
) -> dict[str, Any]:
    return _replace(ctx, program_code, card_no, data, who, "exchange")


def cancel(
    ctx: Context, program_code: str, card_no: str, data: CardCancelIn, who: Any
) -> dict[str, Any]:
    """Stops a card for good (a lent card, a membership ended); the member's account stays."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        card = _card(uow, stored, card_no, lock=True)
        if card.status == "cancelled":
            return {"card_no": card_no, "status": "cancelled"}
        if card.status == "replaced":
            raise Conflict("该卡已被替换 / this card was replaced", code="card_inactive")
        uow.identity.set_status(pid, card_no, "cancelled")
        actor = audit.actor_of(who).label
        uow.identity.add_event(pid, card.member_id, card_no, "cancelled", at, now, actor)
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
    return {"card_no": card_no, "status": "cancelled"}


def set_password(
    ctx: Context, program_code: str, card_no: str, data: CardPasswordIn, who: Any
) -> dict[str, Any]:
    """Sets or changes a card's password: with the old password, or with the holder's ID number
    checked in store; a card without a password and a member without an ID number on file needs
    neither (the holder is at the counter with the card)."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    refusal: HuiyuanError | None = None
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        card = _card(uow, stored, card_no, lock=True)
        if card.status != "active":
            raise Conflict(f"该卡已停用 / this card is {card.status}", code="card_inactive")
        member = require_member(uow, stored.program_id, card.member_id)
        ok = True
        counted = False
        if data.old_password:
            try:
                _guard_check(uow, stored, card_no, now)
            except PinLocked as exc:
                refusal = exc
            ok = refusal is None and _pin_matches(card, data.old_password)
            counted = refusal is None
        elif data.id_number:
            ok = _id_matches(ctx.sealer, member, data.id_number)
        elif card.pin_hash or member.id_hash:
            raise Invalid(
                "须提供原密码或本人证件号码 / give the old password or the holder's ID number",
                code="missing_fields",
                fields=["old_password", "id_number"],
            )
        if refusal is None and not ok:
            refusal = _wrong_credentials(uow, stored, card_no if counted else None, now)
        if refusal is not None:
            _refuse(
                uow,
                refusal,
                "card.password_refused",
                who,
                now,
                {},
                program_id=pid,
                member_id=member.member_id,
                card_no=card_no,
                occurred_at=at,
            )
        uow.identity.set_pin(pid, card_no, _hasher.hash(data.password))
        _guard_clear(uow, stored, card_no)
        actor = audit.actor_of(who).label
        uow.identity.add_event(pid, member.member_id, card_no, "password_set", at, now, actor)
        audit.record(
            uow,
            "card.password_set",
            who,
            now,
            program_id=pid,
            member_id=member.member_id,
            card_no=card_no,
            occurred_at=at,
        )
        uow.commit()
    return {"card_no": card_no, "password_set": True}


def card_info(ctx: Context, program_code: str, card_no: str) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        tz = zone(stored.program.timezone)
        card = _card(uow, stored, card_no)
        guard = uow.identity.guard(pid, card_no)
        events = uow.identity.events(pid, card_no)
        now = ctx.now()
    locked_until = None
    if guard is not None and guard.locked_until is not None and now < guard.locked_until:
        locked_until = guard.locked_until.astimezone(tz).isoformat()
    lost = next((e for e in reversed(events) if e.kind == "reported_lost"), None)
    return {
        "card_no": card.card_no,
        "member_id": card.member_id,
        "status": card.status,
        "issued_at": card.issued_at.astimezone(tz).isoformat(),
        "password_set": bool(card.pin_hash),
        "phone_channel_locked_until": locked_until,
        "reissue_until": _reissue_until(stored, lost.occurred_at)
        if lost is not None and card.status == "lost"
        else None,
        "events": [
            {
                "kind": e.kind,
                "channel": e.channel,
                "new_card_no": e.new_card_no,
                "fee": fmt(e.fee) if e.fee is not None else None,
                "occurred_at": e.occurred_at.astimezone(tz).isoformat(),
                "actor": e.actor,
            }
            for e in events
        ],
    }


# ----------------------------------------------------------------------------- at the till


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
    ident = data.identify
    if ident is None and data.card_presented:
        return data
    now = ctx.now()
    refusal: HuiyuanError | None = None
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        rules = stored.program.cards
        if replay_kind is not None:
            first = uow.requests.get(pid, replay_kind, data.receipt_no)
            if first is not None:  # a resend: the first answer's member, checked no more
                member_id = (first.response or {}).get("member_id") or data.member_id
                return data.model_copy(update={"member_id": member_id, "identify": None})
        needed = () if data.card_presented else rules.cardless_requires
        if ident is None and not needed:
            return data
        card = None
        member = None
        if data.card_no:
            card = _card(uow, stored, data.card_no, lock=True)
            if card.status == "lost":
                raise Forbidden("该卡已挂失 / this card is reported lost", code="card_lost")
            if card.status != "active":
                raise Forbidden(f"该卡已停用 / this card is {card.status}", code="card_inactive")
            member = require_member(uow, stored.program_id, card.member_id)
        if data.member_id:
            named = require_member(uow, stored.program_id, data.member_id)
            if member is not None and named.member_id != member.member_id:
                raise Invalid(
                    "卡号与会员不符 / card belongs to another member", code="card_mismatch"
                )
            member = named
        by_phone = False
        if member is None:
            assert ident is not None and ident.phone  # the request validator saw to it
            if not rules.phone_is_account:
                raise Invalid(
                    "本方案不以手机号作为会员账号 / this program does not take the phone number "
                    "as the account: name the member by member_id or card_no",
                    code="phone_not_account",
                )
            normalized = normalize_mobile(ident.phone)
            if normalized is None:
                raise Invalid("手机号格式不正确 / not a valid mobile number", code="invalid_phone")
            member = uow.identity.member_by_phone_hashes(pid, ctx.sealer.lookup_hashes(normalized))
            if member is None:
                raise NotFound("没有该手机号的会员 / no member with this phone", "member_not_found")
            by_phone = True
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
        ok = True
        counted_card = None
        if ident is not None:
            if ident.name:
                ok = _same_name(member.name, ident.name) and ok
            if ident.phone and not by_phone:
                ok = _phone_matches(ctx.sealer, member, ident.phone) and ok
            if ident.id_number:
                ok = _id_matches(ctx.sealer, member, ident.id_number) and ok
            if ident.password:
                if card is None:
                    card_no = uow.members.active_card(pid, member.member_id)
                    card = _card(uow, stored, card_no, lock=True) if card_no else None
                if card is None or not card.pin_hash:
                    raise Invalid(
                        "该卡未设密码 / this card has no password", code="card_password_not_set"
                    )
                try:
                    _guard_check(uow, stored, card.card_no, now)
                except PinLocked as exc:
                    refusal = exc
                if refusal is None:
                    ok = _pin_matches(card, ident.password) and ok
                    counted_card = card.card_no
        if refusal is None and not ok:
            refusal = _wrong_credentials(uow, stored, counted_card, now)
        if refusal is not None:
            _refuse(
                uow,
                refusal,
                "till.identification_refused",
                None,
                now,
                {"card_presented": data.card_presented},
                program_id=pid,
                member_id=member.member_id,
                card_no=card.card_no if card is not None else None,
                ref=data.receipt_no,
            )
        if counted_card is not None:
            _guard_clear(uow, stored, counted_card)
            uow.commit()
    return data.model_copy(update={"member_id": member.member_id, "identify": None})
