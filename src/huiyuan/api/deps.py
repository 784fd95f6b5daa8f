"""Typed dependencies: the service context and the authenticated caller with a role.

They are `async def` on purpose: FastAPI runs a plain `def` dependency in the thread pool, a
thread hand-off per dependency and request (four on a till request, more than the pricing of
a receipt costs on a 2-core server). Only what does I/O (a token not checked in the last
seconds, the audit of a refusal) goes to the thread pool."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..errors import Forbidden, NotFound, Unauthorized
from ..services.context import Context
from ..services.roles import ACTIONS
from ..services.tokens import Caller, authenticate, cached_caller


async def checked_program_code(request: Request) -> None:
    """A program code with NUL or control characters names no program (and would make
    PostgreSQL fail, a 500): 404 before any query. Installed app-wide in app.py."""
    code = request.path_params.get("program")
    if code is not None and not re.fullmatch(r"[^\x00-\x1f\x7f]{1,64}", code):
        raise NotFound("没有该会员方案 / no such program", code="program_not_found")


async def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


Ctx = Annotated[Context, Depends(get_context)]


async def get_caller(request: Request, ctx: Ctx) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("需要令牌 / a bearer token is required", code="missing_token")
    token = token.strip()
    caller = cached_caller(ctx, token)
    if caller is not None:
        return caller
    return await run_in_threadpool(authenticate, ctx, token)


def allow(*roles: str) -> Callable[..., Awaitable[Caller]]:
    async def check(request: Request, caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
        if caller.role != "admin" and caller.role not in roles:
            # Token use refused by role is itself audited (who tried what).
            from ..services.audit import record_alone

            route = request.scope.get("route")
            await run_in_threadpool(
                record_alone,
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


# The same role table the console checks (services/roles.py).
Reader = Annotated[Caller, Depends(allow(*ACTIONS["read"]))]
Till = Annotated[Caller, Depends(allow(*ACTIONS["purchase"]))]
Enroller = Annotated[Caller, Depends(allow(*ACTIONS["enroll"]))]
Manager = Annotated[Caller, Depends(allow(*ACTIONS["activate"]))]
