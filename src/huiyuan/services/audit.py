"""The audit log of sensitive actions: card events, member data changes and views, manual point
adjustments, refused credentials, and which token (of which role) did each.

Rows are written in the same transaction as the action they record (both happen or neither);
refusals are committed on their own. Details hold masked values only: every string passes
through `mask_text`, and the keys that name personal data are masked by kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from ..domain.records.cards import AuditEntry, AuditQuery, Outcome
from ..errors import Invalid
from ..security import mask_address, mask_id, mask_name, mask_phone, mask_text
from ..store.uow import UnitOfWork
from .context import Context, require_program
from .results.cards import AuditEntryView, AuditPage

# Who outranks whom, for rules such as "data changes need a manager" (jewelry).
ROLE_RANK = {"auditor": 0, "guide": 1, "cashier": 1, "manager": 2, "admin": 3}


@dataclass(frozen=True)
class Actor:
    """Who did something: an API token's role and name (and id), or a system process."""

    role: str | None = None
    name: str | None = None
    token_id: str | None = None

    @property
    def label(self) -> str | None:
        if self.role is None and self.name is None:
            return None
        return f"{self.role}:{self.name}" if self.role else self.name

    def at_least(self, role: str) -> bool:
        return ROLE_RANK.get(self.role or "", -1) >= ROLE_RANK.get(role, 99)


class Credentials(Protocol):
    """An API caller: the token's role, name and id (`tokens.Caller`)."""

    @property
    def role(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def token_id(self) -> str: ...


# Who did something: an API caller, an Actor, a "role:name" string, or None (the system).
Who = Credentials | Actor | str | None


def actor_of(who: Who) -> Actor:
    """An Actor from an API Caller (role, name, token_id), a "role:name" string, or None."""
    if who is None:
        return Actor()
    if isinstance(who, Actor):
        return who
    if isinstance(who, str):
        role, sep, name = who.partition(":")
        return Actor(role, name) if sep else Actor(None, who)
    return Actor(who.role, who.name, who.token_id)


_MASKERS: dict[str, Callable[[str], str | None]] = {
    "phone": mask_phone,
    "mobile": mask_phone,
    "id_number": mask_id,
    "address": mask_address,
    "name": mask_name,
    "birthday": lambda _: "****",
    "anniversary": lambda _: "****",
}
_DROPPED = frozenset({"password", "old_password", "pin", "card_password", "secret", "token"})


def masked(detail: Any, key: str | None = None) -> Any:
    """A detail safe to keep in the audit log: personal data masked, secrets dropped."""
    if isinstance(detail, dict):
        return _masked_fields(detail, key)
    if isinstance(detail, list | tuple):
        return [masked(v, key) for v in detail]
    if isinstance(detail, str):
        masker = _MASKERS.get(key or "")
        return masker(detail) if masker else mask_text(detail)
    return detail


def _masked_fields(detail: dict[Any, Any], key: str | None) -> dict[str, Any]:
    # {"phone": {"from": .., "to": ..}}: the inner values are phones too.
    inherit = key if key in _MASKERS else None
    out: dict[str, Any] = {}
    for k, v in detail.items():
        name = str(k)
        if name not in _DROPPED:
            out[name] = masked(v, name if name in _MASKERS else inherit or name)
    return out


def record(
    uow: UnitOfWork,
    action: str,
    who: Who,
    now: datetime,
    *,
    program_id: int | None = None,
    member_id: str | None = None,
    card_no: str | None = None,
    ref: str | None = None,
    occurred_at: datetime | None = None,
    outcome: Outcome = "done",
    detail: dict[str, Any] | None = None,
) -> None:
    actor = actor_of(who)
    uow.audit.add(
        {
            "recorded_at": now,
            "occurred_at": occurred_at,
            "program_id": program_id,
            "action": action,
            "outcome": outcome,
            "actor": actor.label,
            "role": actor.role,
            "token_id": actor.token_id,
            "member_id": member_id,
            "card_no": card_no,
            "ref": mask_text(ref) if ref else None,
            "detail": masked(detail or {}),
        }
    )


def record_alone(
    ctx: Context, action: str, who: Who, program_code: str | None = None, **kw: Any
) -> None:
    """An audit row in a transaction of its own (refused access, token creation)."""
    now = ctx.now()
    with ctx.uow() as uow:
        program_id = None
        if program_code and re.fullmatch(r"[a-z][a-z0-9_]{1,39}", program_code):
            stored = uow.programs.get(program_code)
            program_id = stored.program_id if stored else None
        record(uow, action, who, now, program_id=program_id, **kw)
        uow.commit()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def find(ctx: Context, program_code: str | None, query: AuditQuery) -> AuditPage:
    """A page of the audit log, newest first (of one program, or of all)."""
    if query.since is not None and query.until is not None and query.until <= query.since:
        raise Invalid("until 须晚于 since / until must be after since", code="bad_range")
    with ctx.uow(write=False) as uow:
        if program_code is not None:
            query = replace(query, program_id=require_program(uow, program_code).program_id)
        codes = {p.program_id: p.code for p in uow.programs.list()}
        entries = uow.audit.find(query)
    items = [_entry_view(e, codes) for e in entries]
    next_before = items[-1]["audit_id"] if len(items) == query.limit else None
    return {"items": items, "next_before": next_before}


def _entry_view(entry: AuditEntry, codes: dict[int, str]) -> AuditEntryView:
    return {
        "audit_id": entry.audit_id,
        "recorded_at": entry.recorded_at.isoformat(),
        "occurred_at": _iso(entry.occurred_at),
        "program": codes.get(entry.program_id) if entry.program_id is not None else None,
        "action": entry.action,
        "outcome": entry.outcome,
        "actor": entry.actor,
        "role": entry.role,
        "token_id": entry.token_id,
        "member_id": entry.member_id,
        "card_no": entry.card_no,
        "ref": entry.ref,
        "detail": entry.detail or {},
    }
