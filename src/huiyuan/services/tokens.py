"""API tokens and roles."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Invalid, Unauthorized
from ..security import new_token, same_digest, split_token, token_digest
from .context import Context

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
    with ctx.uow(write=False) as uow:
        found = uow.tokens.find(token_id)
    if found is None or not same_digest(found[2], token_digest(secret)):
        raise Unauthorized("令牌无效 / invalid token", code="invalid_token")
    return Caller(token_id, found[0], found[1])
