"""The console's routes and what it answers when nobody is logged in or a form is forged."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from . import assets, desk, enrol, login, rewards, till
from .auth import BadCsrf, LoginRequired, NotAllowed
from .render import SECURITY_HEADERS, page

router = APIRouter(include_in_schema=False)
# enrol before desk: /members/{program}/new is not a member id.
for part in (assets.router, login.router, enrol.router, desk.router, till.router, rewards.router):
    router.include_router(part)


def install(app: FastAPI) -> None:
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        if request.headers.get("HX-Request") == "true":
            # HTMX follows this header with a full page load instead of swapping a fragment.
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)

    @app.exception_handler(BadCsrf)
    async def _forged(request: Request, _: BadCsrf) -> Response:
        return page(request, "forbidden.html", 403)

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, _: NotAllowed) -> Response:
        return page(request, "forbidden.html", 403, role_refused=True)
