"""The staff console (zh-CN first): log in, find a member, see tier, balance and ledger."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index() -> str:
    return resources.files("huiyuan.console").joinpath("templates/index.html").read_text("utf-8")
