"""Staff accounts: people who log in to the console, their sessions and the lockout.

Passwords are argon2id hashes. A session's cookie carries a random secret whose SHA-256 digest
is the stored key (an unguessable secret needs no slow hash, and every console request checks
it). Five wrong passwords for one login within 15 minutes lock it for 15 minutes from the
fifth; while locked the right password is refused too and attempts are not counted, so a
locked account opens again on time."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from ..domain.records.staff import Staff
from ..domain.statuses import StaffStatus
from ..errors import Conflict, Invalid, NotFound, Unauthorized
from ..store.uow import UnitOfWork
from . import audit
from .context import Context
from .tokens import ROLES, Caller

LOCK_AFTER = 5
LOCK_WINDOW = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
TOUCH_EVERY = timedelta(minutes=1)
MIN_PASSWORD = 8

_hasher = PasswordHasher(type=Type.ID)
# Verified against when the login is unknown, so an unknown login costs what a known one does.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
_LOGIN = re.compile(r"[A-Za-z0-9_.\-@]{2,64}")


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """A logged-in person: the account, the caller the services check, the form token."""

    staff: Staff
    caller: Caller
    csrf: str


def caller_of(account: Staff) -> Caller:
    """The same Caller an API token gives, so the console passes the same role checks."""
    return Caller(token_id=f"staff:{account.login}", name=account.login, role=account.role)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            f"密码至少 {MIN_PASSWORD} 个字符 / the password needs at least {MIN_PASSWORD} "
            "characters",
            code="password_too_short",
        )


def _check_new(login: str, role: str) -> None:
    if not _LOGIN.fullmatch(login):
        raise Invalid(
            "登录名为 2–64 个字母、数字或 _ . - @ / a login is 2-64 letters, digits or _ . - @",
            code="invalid_login",
        )
    if role not in ROLES:
        raise Invalid(
            f"没有角色 {role!r} / unknown role; roles: {', '.join(ROLES)}", "unknown_role"
        )


def create(
    ctx: Context,
    login: str,
    role: str,
    password: str,
    name: str | None = None,
    store: str | None = None,
    guide_id: str | None = None,
) -> Staff:
    _check_new(login, role)
    _check_password(password)
    now = ctx.now()
    values = {
        "login": login,
        "name": name or login,
        "role": role,
        "store": store,
        "guide_id": guide_id,
        "password_hash": _hasher.hash(password),
        "status": StaffStatus.ACTIVE,
        "lang": "zh",
        "created_at": now,
        "updated_at": now,
    }
    try:
        with ctx.uow() as uow:
            uow.staff.add(values)
            audit.record(uow, "staff.create", "system:cli", now, ref=login, detail={"role": role})
            account = _require(uow, login)
            uow.commit()
    except IntegrityError:
        raise Conflict(
            f"登录名 {login} 已存在 / login {login} exists", code="login_taken"
        ) from None
    return account


def _require(uow: UnitOfWork, login: str) -> Staff:
    account = uow.staff.get(login)
    if account is None:
        raise NotFound(f"没有登录名 {login} / no staff account {login}", code="staff_not_found")
    return account


def disable(ctx: Context, login: str) -> Staff:
    now = ctx.now()
    with ctx.uow() as uow:
        _require(uow, login)
        uow.staff.update(login, status=StaffStatus.DISABLED, updated_at=now)
        uow.staff.end_sessions_of(login, now)
        audit.record(uow, "staff.disable", "system:cli", now, ref=login)
        account = _require(uow, login)
        uow.commit()
    return account


def set_password(ctx: Context, login: str, password: str) -> Staff:
    """A new password ends the account's open sessions and its lockout."""
    _check_password(password)
    now = ctx.now()
    with ctx.uow() as uow:
        _require(uow, login)
        uow.staff.update(login, password_hash=_hasher.hash(password), updated_at=now)
        uow.staff.end_sessions_of(login, now)
        uow.staff.clear_failures(login)
        audit.record(uow, "staff.password", "system:cli", now, ref=login)
        account = _require(uow, login)
        uow.commit()
    return account


def list_staff(ctx: Context) -> list[Staff]:
    with ctx.uow(write=False) as uow:
        return uow.staff.all()


def locked_until(failures: list[datetime]) -> datetime | None:
    """When a lock ends, given the wrong passwords of the last window (oldest first): the fifth
    of any five within the window locks until the window has passed since it."""
    ends = [
        failures[i] + LOCK_WINDOW
        for i in range(LOCK_AFTER - 1, len(failures))
        if failures[i] - failures[i - LOCK_AFTER + 1] <= LOCK_WINDOW
    ]
    return max(ends, default=None)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _locked(uow: UnitOfWork, login: str, now: datetime) -> bool:
    until = locked_until(uow.staff.failures_since(login, now - 2 * LOCK_WINDOW))
    return until is not None and now < until


def _open_session(uow: UnitOfWork, account: Staff, now: datetime) -> tuple[str, ConsoleSession]:
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    uow.staff.clear_failures(account.login)
    uow.staff.add_session(_digest(secret), account.login, csrf, now)
    audit.record(uow, "staff.login", caller_of(account), now)
    return secret, ConsoleSession(account, caller_of(account), csrf)


def log_in(ctx: Context, login: str, password: str) -> tuple[str, ConsoleSession]:
    """A new session's cookie secret and the session; a wrong or locked login is 401 with
    `wrong_password` or `account_locked` (and audited)."""
    now = ctx.now()
    with ctx.uow() as uow:
        if _locked(uow, login, now):
            why = "locked"
        else:
            account = uow.staff.get(login)
            good = _verify(account.password_hash if account else _DUMMY_HASH, password)
            if account is not None and good and account.status == StaffStatus.ACTIVE:
                opened = _open_session(uow, account, now)
                uow.commit()
                return opened
            why = "unknown_or_disabled"
            if account is not None and not good:
                uow.staff.add_failure(login, now)
                why = "wrong_password"
            uow.commit()
    audit.record_alone(ctx, "staff.login", f"staff:{login}", outcome="refused", detail={"why": why})
    if why == "locked":
        raise Unauthorized(
            "账户已锁定，请 15 分钟后再试 / the account is locked for 15 minutes after 5 wrong "
            "passwords",
            code="account_locked",
        )
    raise Unauthorized("登录名或密码不正确 / wrong login or password", code="wrong_password")


def session(ctx: Context, secret: str) -> ConsoleSession | None:
    """The session a cookie names, if open, not idle too long and its account active. Reading
    it takes no write lock (on SQLite that lock is the tills' one writer); the idle clock is
    moved at most once a minute, so a session may end up to a minute before its full idle
    time."""
    now = ctx.now()
    digest = _digest(secret)
    with ctx.uow(write=False) as uow:
        found = uow.staff.session(digest)
        account = uow.staff.get(found.login) if found is not None else None
    if found is None or found.ended_at is not None:
        return None
    idle = now - found.last_seen_at
    if idle > IDLE_TIMEOUT:
        log_out(ctx, secret)
        return None
    if account is None or account.status != StaffStatus.ACTIVE:
        return None
    if idle >= TOUCH_EVERY:
        with ctx.uow() as uow:
            uow.staff.touch_session(digest, now)
            uow.commit()
    return ConsoleSession(account, caller_of(account), found.csrf)


def log_out(ctx: Context, secret: str) -> None:
    with ctx.uow() as uow:
        uow.staff.end_session(_digest(secret), ctx.now())
        uow.commit()
