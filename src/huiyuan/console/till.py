"""收银: ring up a receipt for a member. 试算 shows the quote line by line; 确认收银 commits
it under a receipt number the page chose when it was opened, so a double click or a resend
records the receipt once."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..domain.calendar import zone
from ..errors import HuiyuanError
from ..services import checkout, members, programs
from ..services.inputs import PurchaseIn
from .auth import Posted, Session, context, permit
from .facts import known_categories
from .render import page

router = APIRouter()
MAX_LINES = 50


def new_receipt_no(now: datetime, tz: str) -> str:
    """C + local date and time + 4 random hex digits: readable and unique per till."""
    return "C" + now.astimezone(zone(tz)).strftime("%Y%m%d%H%M%S") + secrets.token_hex(2).upper()


def till_facts(ctx: Any, program: str, member_id: str) -> dict[str, Any]:
    described = programs.describe(ctx, program)
    return {
        "member": members.get_member(ctx, program, member_id),
        "program_info": described,
        "categories": known_categories(described["config"]),
    }


@router.get("/members/{program}/{member_id}/till", response_class=HTMLResponse)
async def till_form(request: Request, session: Session, program: str, member_id: str) -> Response:
    permit(session, "purchase")
    ctx = context(request)
    facts = await run_in_threadpool(till_facts, ctx, program, member_id)
    receipt_no = new_receipt_no(ctx.now(), facts["program_info"]["timezone"])
    return page(request, "till.html", program=program, receipt_no=receipt_no, **facts)


@router.get("/till/line", response_class=HTMLResponse)
async def blank_line(request: Request, session: Session, n: int = 2) -> Response:
    """One more line for the receipt form (添加商品)."""
    return page(request, "_till_more.html", n=max(1, min(n, MAX_LINES)), line={})


def read_lines(form: dict[str, str]) -> list[dict[str, Any]]:
    """The form's lines (category_N, qty_N, price_N) as the purchase's lines; a line with
    neither quantity nor price is an empty row and left out."""
    lines = []
    for n in range(1, MAX_LINES + 1):
        category = form.get(f"category_{n}", "").strip()
        qty = form.get(f"qty_{n}", "").strip()
        price = form.get(f"price_{n}", "").strip()
        if not qty and not price:
            continue
        lines.append(
            {
                "line_no": n,
                "sku": form.get(f"sku_{n}", "").strip() or category or f"L{n}",
                "category": category,
                "qty": qty or "1",
                "list_price": price,
            }
        )
    return lines


def purchase_of(form: dict[str, str], member_id: str) -> PurchaseIn:
    body: dict[str, Any] = {
        "receipt_no": form.get("receipt_no", ""),
        "member_id": member_id,
        "lines": read_lines(form),
        "pay_with_stored_value": form.get("pay_with_stored_value") == "on",
    }
    points = form.get("points_to_redeem", "").strip()
    if points:
        body["points_to_redeem"] = int(points) if points.isdigit() else points
    return PurchaseIn.model_validate(body)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _problem_text(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = ".".join(str(p) for p in e["loc"])
        parts.append(f"{where}: {e['msg']}")
    return "输入有误 / invalid input: " + "; ".join(parts)


async def _run(request: Request, program: str, member_id: str, commit: bool) -> Response:
    form = await _form(request)
    try:
        data = purchase_of(form, member_id)
        work = checkout.commit if commit else checkout.quote
        answer = await run_in_threadpool(work, context(request), program, data)
    except ValidationError as exc:
        return page(request, "_till_outcome.html", 422, error=_problem_text(exc))
    except HuiyuanError as exc:
        return page(request, "_till_outcome.html", exc.status, error=exc.detail)
    return page(request, "_till_outcome.html", answer=answer, committed=commit, program=program)


@router.post("/members/{program}/{member_id}/till/quote", response_class=HTMLResponse)
async def quote(request: Request, session: Posted, program: str, member_id: str) -> Response:
    permit(session, "purchase")
    return await _run(request, program, member_id, commit=False)


@router.post("/members/{program}/{member_id}/till", response_class=HTMLResponse)
async def commit(request: Request, session: Posted, program: str, member_id: str) -> Response:
    permit(session, "purchase")
    return await _run(request, program, member_id, commit=True)
