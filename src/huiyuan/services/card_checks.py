"""Checking who holds a card: the name, phone, ID number and card password a holder gives, the
wrong-password guard that locks a card's phone channel, and the refusal of wrong credentials.

Wrong credentials are refused (403 wrong_credentials) and counted where the channel counts them;
the count and the audit row are committed on their own so the refusal cannot roll them back.
The lock uses the server's clock, never a caller's `occurred_at`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.identity import card_valid, normalize_mobile, normalize_resident_id
from ..domain.records.members import Card, Member
from ..errors import Forbidden, HuiyuanError, Invalid, NotFound
from ..security import Sealer
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit

_hasher = PasswordHasher()


class PinLocked(HuiyuanError):
    status = 429
    code = "pin_locked"
    title = "Too many attempts"


@dataclass(frozen=True, slots=True)
class Attempt:
    """What a check of the holder found: whether everything given matched, the card a wrong
    password counts against (None: nothing is counted), or the lock that stopped the check."""

    ok: bool
    counted_card: str | None = None
    locked: PinLocked | None = None


def find_card(uow: UnitOfWork, stored: StoredProgram, card_no: str, lock: bool = False) -> Card:
    if not card_valid(card_no):
        raise Invalid("卡号校验位不正确 / card number check digit is wrong", code="invalid_card")
    card = uow.identity.card(stored.program_id, card_no, lock=lock)
    if card is None:
        raise NotFound("没有该会员卡 / no such card", code="card_not_found")
    return card


def missing(**given: Any) -> list[str]:
    """The names of the given fields that are empty."""
    return [name for name, value in given.items() if not value]


# ----------------------------------------------------------------------------- credentials


def hash_pin(password: str) -> str:
    return _hasher.hash(password)


def pin_matches(card: Card, password: str) -> bool:
    if not card.pin_hash:
        return False
    try:
        return _hasher.verify(card.pin_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def same_name(on_file: str | None, given: str) -> bool:
    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return bool(on_file) and norm(on_file or "") == norm(given)


def phone_matches(sealer: Sealer, member: Member, phone: str) -> bool:
    normalized = normalize_mobile(phone)
    if normalized is None or member.phone_hash is None:
        return False
    return member.phone_hash in sealer.lookup_hashes(normalized)


def id_matches(sealer: Sealer, member: Member, id_number: str) -> bool:
    if member.id_hash is None:
        return False
    candidates = {id_number.strip()}
    resident = normalize_resident_id(id_number)
    if resident:
        candidates.add(resident)
    return any(member.id_hash in sealer.lookup_hashes(c) for c in candidates)


def check_pin(
    uow: UnitOfWork, stored: StoredProgram, card: Card, password: str, now: datetime
) -> Attempt:
    """A card password, unless the card's phone channel is locked; a wrong one is counted."""
    guard = uow.identity.guard(stored.program_id, card.card_no)
    until = guard.locked_at(now) if guard is not None else None
    if until is not None:
        return Attempt(False, locked=_locked(until, now))
    return Attempt(pin_matches(card, password), counted_card=card.card_no)


# ----------------------------------------------------------------------------- the guard


def _locked(until: datetime, now: datetime) -> PinLocked:
    seconds = max(int((until - now).total_seconds()), 1)
    return PinLocked(
        "密码错误次数过多，电话渠道暂时锁定 / too many wrong card passwords: the card's phone "
        f"channel is locked until {until.isoformat()}",
        locked_until=until.isoformat(),
        retry_after_seconds=seconds,
    )


def _count_failure(
    uow: UnitOfWork, stored: StoredProgram, card_no: str, now: datetime
) -> tuple[datetime | None, int]:
    """Counts a wrong attempt: (locked until, attempts left)."""
    rules = stored.program.cards
    window = timedelta(minutes=rules.pin_lock_minutes)
    guard = uow.identity.guard(stored.program_id, card_no)
    failures = 0
    last = guard.last_failed_at if guard is not None else None
    if guard is not None and last is not None and now - last < window:
        failures = guard.failures
    failures += 1
    if failures >= rules.pin_attempts:
        until = now + window
        uow.identity.put_guard(stored.program_id, card_no, 0, now, until)
        return until, 0
    uow.identity.put_guard(stored.program_id, card_no, failures, now, None)
    return None, rules.pin_attempts - failures


def clear_guard(uow: UnitOfWork, stored: StoredProgram, card_no: str) -> None:
    guard = uow.identity.guard(stored.program_id, card_no)
    if guard is not None and (guard.failures or guard.locked_until):
        uow.identity.put_guard(stored.program_id, card_no, 0, None, None)


# ----------------------------------------------------------------------------- refusals


def _refusal_of(
    uow: UnitOfWork, stored: StoredProgram, attempt: Attempt, now: datetime
) -> HuiyuanError | None:
    """The refusal an attempt earns, if any: the lock that stopped it, or wrong credentials
    (counted against the card where the channel counts them, which may lock it)."""
    if attempt.locked is not None:
        return attempt.locked
    if attempt.ok:
        return None
    if attempt.counted_card is None:
        return _wrong(None)
    until, left = _count_failure(uow, stored, attempt.counted_card, now)
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


def refuse_failed(
    uow: UnitOfWork,
    stored: StoredProgram,
    attempt: Attempt,
    action: str,
    who: audit.Who,
    now: datetime,
    detail: dict[str, Any],
    **where: Any,
) -> None:
    """Refuses a failed attempt (its refusal from `_refusal_of`); before refusing it audits the
    refused card action and commits that record (and any counted wrong attempt): the refusal
    itself must not roll the evidence back."""
    refusal = _refusal_of(uow, stored, attempt, now)
    if refusal is None:
        return
    audit.record(
        uow, action, who, now, outcome="refused", detail={**detail, "code": refusal.code}, **where
    )
    uow.commit()
    raise refusal
