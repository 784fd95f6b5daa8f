"""Typed dependencies: the service context and the authenticated caller with a role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from ..errors import Forbidden, Unauthorized
from ..services.context import Context
from ..services.tokens import Caller, authenticate


def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


Ctx = Annotated[Context, Depends(get_context)]


def get_caller(request: Request, ctx: Ctx) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("需要令牌 / a bearer token is required", code="missing_token")
    return authenticate(ctx, token.strip())


def allow(*roles: str) -> Callable[..., Caller]:
    def check(request: Request, caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
        if caller.role != "admin" and caller.role not in roles:
            # Token use refused by role is itself audited (who tried what).
            from ..services.audit import record_alone

            route = request.scope.get("route")
            record_alone(
                request.app.state.ctx,
                "access.denied",
                caller,
                request.path_params.get("program"),
                ref=f"{request.method} {getattr(route, 'path', request.url.path)}",
                outcome="refused",
                detail={"allowed": sorted(set(roles) | {"admin"})},
            )
            raise Forbidden(
                f"角色 {caller.role} 无此权限 / role {caller.role} may not do this",
                code="forbidden_role",
            )
        return caller

    return check


ANY_ROLE = ("manager", "cashier", "guide", "auditor")
TILL = ("manager", "cashier")
ENROLL = ("manager", "cashier", "guide")
STAFF = ("manager",)

Reader = Annotated[Caller, Depends(allow(*ANY_ROLE))]
Till = Annotated[Caller, Depends(allow(*TILL))]
Enroller = Annotated[Caller, Depends(allow(*ENROLL))]
Manager = Annotated[Caller, Depends(allow(*STAFF))]
