"""Resending a state change returns its first answer; the same number with another body is 409."""

from __future__ import annotations

from typing import Any

from ..errors import Conflict
from ..store.uow import UnitOfWork


def replay(
    uow: UnitOfWork, program_id: int, kind: str, ref: str, body_hash: str
) -> dict[str, Any] | None:
    stored = uow.requests.get(program_id, kind, ref)
    if stored is None:
        return None
    if stored.body_hash != body_hash:
        raise Conflict(
            f"编号 {ref} 已用于另一笔不同的请求 / number {ref} was already used for a different "
            f"{kind}",
            code="number_reused",
        )
    return stored.response
