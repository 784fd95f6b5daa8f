"""The member desk: find a member by phone or card, and the member's page."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ..domain.statuses import CardStatus
from ..errors import HuiyuanError
from ..services import accounts, cards, members, programs
from ..services.context import Context
from ..services.results.members import MemberView, ProgramSummary
from .auth import Session, context
from .labels import label
from .render import page

router = APIRouter()
PROGRAM_COOKIE = "huiyuan_program"
_MOBILE = re.compile(r"\+?(86)?1\d{10}")


def chosen_program(request: Request, listed: list[ProgramSummary], asked: str | None) -> str | None:
    """The program asked for, else the one last used at this browser, else the first."""
    codes = [p["code"] for p in listed]
    for code in (asked, request.cookies.get(PROGRAM_COOKIE)):
        if code in codes:
            return code
    return codes[0] if codes else None


def _remember(response: Response, program: str | None) -> Response:
    if program:
        response.set_cookie(PROGRAM_COOKIE, program, samesite="strict", httponly=True, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
async def home(
    request: Request,
    session: Session,
    program: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    listed = await run_in_threadpool(programs.list_programs, context(request))
    code = chosen_program(request, listed, program)
    return _remember(page(request, "home.html", programs=listed, program=code), code)


def find(ctx: Context, program: str, query: str) -> tuple[list[MemberView], str | None]:
    """Members by mobile number or card number, whichever the text is, and what staff must
    know about a card that is no longer in use (lost, replaced by a new one, cancelled)."""
    text = re.sub(r"[\s-]", "", query)
    if _MOBILE.fullmatch(text):
        return members.find_members(ctx, program, phone=text), None
    found = members.find_members(ctx, program, card_no=text)
    return found, card_notice(ctx, program, text) if found else None


def card_notice(ctx: Context, program: str, card_no: str) -> str | None:
    card = cards.card_info(ctx, program, card_no)
    if card["status"] == CardStatus.ACTIVE:
        return None
    replaced_by = next((e["new_card_no"] for e in card["events"] if e["new_card_no"]), None)
    notice = f"卡号 {card_no} {label(card['status'])}"
    if replaced_by:
        notice += f"，新卡号 {replaced_by}"
    return notice + f" / card {card_no} is {card['status']}"


@router.get("/search", response_class=HTMLResponse)
async def search(
    request: Request,
    session: Session,
    program: Annotated[str, Query(max_length=64)],
    q: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    error = notice = None
    found: list[MemberView] = []
    if not q.strip():
        error = "请输入手机号或卡号 / enter a mobile or card number"
    else:
        try:
            found, notice = await run_in_threadpool(find, context(request), program, q)
        except HuiyuanError as exc:
            error = exc.detail
    if len(found) == 1 and error is None:
        member_id = found[0]["member_id"]
        return await _member_page(request, program, member_id, partial=True, notice=notice)
    return page(request, "_results.html", program=program, found=found, error=error, q=q)


def member_facts(ctx: Context, program: str, member_id: str) -> dict[str, Any]:
    member = members.get_member(ctx, program, member_id)
    return {
        "member": member,
        "balance": accounts.balance(ctx, program, member_id, None),
        "entries": accounts.entries(ctx, program, member_id, 20, None)["items"],
        "program_info": programs.summary(ctx, program),
    }


async def _member_page(
    request: Request, program: str, member_id: str, partial: bool, notice: str | None = None
) -> Response:
    template = "_member.html" if partial else "member.html"
    try:
        facts = await run_in_threadpool(member_facts, context(request), program, member_id)
    except HuiyuanError as exc:
        return page(request, "_results.html", 404, program=program, found=[], error=exc.detail)
    return page(request, template, program=program, notice=notice, **facts)


@router.get("/members/{program}/{member_id}", response_class=HTMLResponse)
async def member(request: Request, session: Session, program: str, member_id: str) -> Response:
    partial = request.headers.get("HX-Request") == "true"
    return await _member_page(request, program, member_id, partial)
