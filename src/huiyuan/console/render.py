"""Templates and the headers every console page carries."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from .labels import label

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def moment(value: str | None) -> str:
    """A moment as staff read it, to the minute. The services give moments in the program's
    time zone already."""
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M") if value else ""


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("huiyuan.console", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["moment"] = moment
    env.filters["label"] = label
    return env


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    session = getattr(request.state, "console", None)
    html = environment().get_template(template).render(request=request, session=session, **values)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
