"""Log in and out. The login form carries its own CSRF token (a double-submit cookie), since
there is no session yet to hold one."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import HuiyuanError
from ..services import staff
from .auth import COOKIE, Posted, context
from .render import SECURITY_HEADERS, page

router = APIRouter()
LOGIN_CSRF = "huiyuan_login_csrf"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(
    request: Request, status: int = 200, error: str | None = None, login: str = ""
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", status, csrf=token, error=error, login=login)
    response.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request), path="/login"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login", response_class=HTMLResponse)
async def log_in(
    request: Request,
    login: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        return page(request, "forbidden.html", 403)
    try:
        secret, _ = await run_in_threadpool(staff.log_in, context(request), login, password)
    except HuiyuanError as exc:
        return _login_page(request, 401, error=exc.detail if exc.code else None, login=login)
    response = RedirectResponse("/", status_code=303, headers=SECURITY_HEADERS)
    response.set_cookie(
        COOKIE, secret, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


@router.post("/logout")
async def log_out(request: Request, _: Posted) -> Response:
    secret = request.cookies.get(COOKIE, "")
    await run_in_threadpool(staff.log_out, context(request), secret)
    response = RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(COOKIE, path="/")
    return response
