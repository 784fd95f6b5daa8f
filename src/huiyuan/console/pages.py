"""The staff console (zh-CN first): log in, find a member, see tier, balance and ledger.

One page and two static files, all shipped inside the package (no CDN, no build step). The
page talks to the public API with the token the user pastes; the token stays in the tab's
sessionStorage and travels only in the Authorization header.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ..errors import NotFound

router = APIRouter(include_in_schema=False)

STATIC: dict[str, str] = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@cache
def _read(path: str) -> str:
    return resources.files("huiyuan.console").joinpath(path).read_text("utf-8")


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    return HTMLResponse(
        _read("templates/index.html"), headers={**SECURITY_HEADERS, "Cache-Control": "no-store"}
    )


@router.get("/console/static/{name}")
def static(name: str) -> Response:
    media_type = STATIC.get(name)
    if media_type is None:
        raise NotFound("没有该文件 / no such file", code="not_found")
    return Response(
        _read(f"static/{name}"),
        media_type=media_type,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
