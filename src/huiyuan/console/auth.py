"""Who is at the console: the session cookie, the login redirect and the CSRF check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..services import roles, staff
from ..services.context import Context
from ..services.staff import ConsoleSession

COOKIE = "huiyuan_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Exception):
    """No open session: pages redirect to the login page, HTMX requests are told to."""


class BadCsrf(Exception):
    """A state-changing request without the session's form token: 403."""


class NotAllowed(Exception):
    """The account's role may not do this (the same table the API checks): 403."""


def permit(session: ConsoleSession, action: str) -> None:
    if not roles.may(session.staff.role, action):
        raise NotAllowed


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


async def current(request: Request) -> ConsoleSession:
    secret = request.cookies.get(COOKIE)
    if not secret:
        raise LoginRequired
    found = await run_in_threadpool(staff.session, context(request), secret)
    if found is None:
        raise LoginRequired
    request.state.console = found
    return found


Session = Annotated[ConsoleSession, Depends(current)]


async def checked(request: Request, session: Session) -> ConsoleSession:
    """The session of a POST that carries its CSRF token (form field or HTMX header)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, session.csrf):
        raise BadCsrf
    return session


Posted = Annotated[ConsoleSession, Depends(checked)]
