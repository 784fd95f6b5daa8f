"""API tokens and roles."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..errors import Invalid, Unauthorized
from ..security import new_token, same_digest, split_token, token_digest
from .context import Context

# A till sends its token with every request: a token checked in the last seconds is trusted
# without another query, so a revoked token stops working within this many seconds.
TOKEN_CACHE_SECONDS = 10.0

ROLES = ("admin", "manager", "cashier", "guide", "auditor")


@dataclass(frozen=True)
class Caller:
    token_id: str
    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.name}"


def create_token(ctx: Context, role: str, name: str | None) -> str:
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; roles: {', '.join(ROLES)}", code="unknown_role")
    token_id, secret, token = new_token()
    with ctx.uow() as uow:
        uow.tokens.add(token_id, name or role, role, token_digest(secret), ctx.now())
        from .audit import record

        record(uow, "token.created", None, ctx.now(), detail={"token_id": token_id, "role": role})
        uow.commit()
    return token


def authenticate(ctx: Context, token: str) -> Caller:
    parts = split_token(token)
    if parts is None:
        raise Unauthorized("令牌无效 / invalid token", code="invalid_token")
    token_id, secret = parts
    digest = token_digest(secret)
    cached = ctx.token_cache.get(token_id)
    fresh = cached is not None and time.monotonic() - cached[3] < TOKEN_CACHE_SECONDS
    if fresh and cached is not None and same_digest(cached[0], digest):
        return Caller(token_id, cached[1], cached[2])
    with ctx.uow(write=False) as uow:
        found = uow.tokens.find(token_id)
    if found is None or not same_digest(found[2], digest):
        ctx.token_cache.pop(token_id, None)
        raise Unauthorized("令牌无效 / invalid token", code="invalid_token")
    ctx.token_cache[token_id] = (found[2], found[0], found[1], time.monotonic())
    return Caller(token_id, found[0], found[1])
