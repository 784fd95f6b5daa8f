"""Every numbered state change runs once: a resend returns its first answer, the same number
with another body is 409 `number_reused`.

`run_once` is the one way a service records a numbered change: it looks the number up, runs the
work in the same transaction, stores the answer beside it and commits. Two requests with one
number racing each other meet at the requests table's key: the loser's IntegrityError is
answered from the winner's record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from ..errors import Conflict
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .context import Context, require_program

Answer = TypeVar("Answer", bound=Mapping[str, Any])


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


def run_once(
    ctx: Context,
    program_code: str,
    kind: str,
    ref: str,
    fingerprint: str,
    work: Callable[[UnitOfWork, StoredProgram], Answer],
    *,
    attempts: int = 1,
    status: int = 201,
) -> Answer:
    """Runs `work` once for (program, kind, ref) and records its answer.

    `attempts` > 1 runs the work again after an IntegrityError that is not a resend of this
    number (a row another transaction created first, such as a gift's stock row); the second
    run sees that row and decides as usual."""
    for _ in range(attempts):
        try:
            with ctx.uow() as uow:
                stored = require_program(uow, program_code)
                first = replay(uow, stored.program_id, kind, ref, fingerprint)
                if first is not None:
                    return first  # type: ignore[return-value]
                answer = work(uow, stored)
                uow.requests.put(
                    stored.program_id, kind, ref, fingerprint, status, answer, ctx.now()
                )
                uow.commit()
                return answer
        except IntegrityError:
            with ctx.uow(write=False) as uow:
                stored = require_program(uow, program_code)
                first = replay(uow, stored.program_id, kind, ref, fingerprint)
                if first is not None:
                    return first  # type: ignore[return-value]
    raise Conflict("请重试 / please retry", code="retry")
