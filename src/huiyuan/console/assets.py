"""The console's static files, served from the package (no CDN)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from ..errors import NotFound

router = APIRouter()

STATIC: dict[str, str] = {
    "console.css": "text/css; charset=utf-8",
    "htmx.min.js": "text/javascript; charset=utf-8",
}


@cache
def _read(name: str) -> bytes:
    return resources.files("huiyuan.console").joinpath(f"static/{name}").read_bytes()


@router.get("/console/static/{name}")
def static(name: str) -> Response:
    media_type = STATIC.get(name)
    if media_type is None:
        raise NotFound("没有该文件 / no such file", code="not_found")
    return Response(
        _read(name),
        media_type=media_type,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
