"""What every use case needs: the database, the personal-data sealer and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Engine

from ..domain.records.members import Member
from ..errors import NotFound
from ..security import Sealer
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .clock import utcnow
from .inputs import body_fingerprint


@dataclass
class Context:
    engine: Engine
    sealer: Sealer
    clock: Callable[[], datetime] = field(default=utcnow)
    # Tokens seen recently: token id → (digest, name, role, monotonic time checked).
    token_cache: dict[str, tuple[str, str, str, float]] = field(default_factory=dict)

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.engine, write=write)

    def now(self) -> datetime:
        return self.clock()

    def fingerprint(self, model: BaseModel, *scope: str) -> str:
        """The request body's idempotency fingerprint (see inputs.body_fingerprint)."""
        return body_fingerprint(model, *scope, key=self.sealer.fingerprint_key)


def require_member(uow: UnitOfWork, program_id: int, member_id: str, lock: bool = False) -> Member:
    """The member, or 404 member_not_found; `lock` takes the writer's row lock."""
    row = uow.members.get(program_id, member_id, lock=lock)
    if row is None:
        raise NotFound("没有该会员 / no such member", code="member_not_found")
    return row


def require_program(uow: UnitOfWork, code: str) -> StoredProgram:
    stored = uow.programs.get(code)
    if stored is None:
        raise NotFound(f"没有该会员方案 / no program {code!r}", code="program_not_found")
    return stored
