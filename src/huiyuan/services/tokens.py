"""API tokens and roles."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..errors import Invalid, NotFound, Unauthorized
from ..security import new_token, same_digest, split_token, token_digest
from .audit import record
from .context import Context
from .results.cards import TokenView

# A till sends its token with every request: a token checked in the last seconds is trusted
# without another query, so a revoked token stops working within this many seconds.
TOKEN_CACHE_SECONDS = 10.0

ROLES = ("admin", "manager", "cashier", "guide", "auditor")


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the id, name and role of the token it carried."""

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
        record(uow, "token.created", None, ctx.now(), detail={"token_id": token_id, "role": role})
        uow.commit()
    return token


def cached_caller(ctx: Context, token: str) -> Caller | None:
    """The caller of a token checked in the last TOKEN_CACHE_SECONDS, without any I/O (the API
    calls it on the event loop); None when `authenticate` has to look the token up."""
    parts = split_token(token)
    if parts is None:
        return None
    token_id, secret = parts
    cached = ctx.token_cache.get(token_id)
    if cached is None or time.monotonic() - cached[3] >= TOKEN_CACHE_SECONDS:
        return None
    if not same_digest(cached[0], token_digest(secret)):
        return None
    return Caller(token_id, cached[1], cached[2])


def authenticate(ctx: Context, token: str) -> Caller:
    caller = cached_caller(ctx, token)
    if caller is not None:
        return caller
    parts = split_token(token)
    if parts is None:
        raise Unauthorized("令牌无效 / invalid token", code="invalid_token")
    token_id, secret = parts
    digest = token_digest(secret)
    with ctx.uow(write=False) as uow:
        found = uow.tokens.find(token_id)
    if found is None or not same_digest(found.secret_hash, digest):
        ctx.token_cache.pop(token_id, None)
        raise Unauthorized("令牌无效 / invalid token", code="invalid_token")
    ctx.token_cache[token_id] = (found.secret_hash, found.name, found.role, time.monotonic())
    return Caller(token_id, found.name, found.role)


def list_tokens(ctx: Context) -> list[TokenView]:
    """Every token without its secret: id, name, role, when created and revoked."""
    with ctx.uow(write=False) as uow:
        return [
            {
                "token_id": t.token_id,
                "name": t.name,
                "role": t.role,
                "created_at": t.created_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in uow.tokens.all()
        ]


def revoke_token(ctx: Context, token_id: str) -> None:
    """Revokes a token by its id (the part after `hy_`); a server that checked it in the last
    TOKEN_CACHE_SECONDS keeps trusting it until then."""
    with ctx.uow() as uow:
        if not uow.tokens.revoke(token_id, ctx.now()):
            raise NotFound(f"没有该有效令牌 / no active token {token_id!r}", code="token_not_found")
        uow.commit()
    ctx.token_cache.pop(token_id, None)
