"""兑换: the program's rewards for a member, each with its 兑换 button. Each button carries a
redemption number chosen when the page was drawn, so a double click redeems once."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..errors import HuiyuanError
from ..services import members, redemptions
from ..services.inputs import RedemptionIn
from .auth import Posted, Session, context, permit
from .render import page

router = APIRouter()


def rewards_facts(ctx: Any, program: str, member_id: str) -> dict[str, Any]:
    return {
        "member": members.get_member(ctx, program, member_id),
        "rewards": redemptions.catalogue(ctx, program)["items"],
    }


@router.get("/members/{program}/{member_id}/rewards", response_class=HTMLResponse)
async def rewards(request: Request, session: Session, program: str, member_id: str) -> Response:
    permit(session, "redeem")
    facts = await run_in_threadpool(rewards_facts, context(request), program, member_id)
    numbers = {r["code"]: "R" + secrets.token_hex(6).upper() for r in facts["rewards"]}
    return page(request, "rewards.html", program=program, numbers=numbers, **facts)


@router.post("/members/{program}/{member_id}/redemptions", response_class=HTMLResponse)
async def redeem(
    request: Request,
    session: Posted,
    program: str,
    member_id: str,
    reward: Annotated[str, Form(max_length=64)],
    redemption_no: Annotated[str, Form(max_length=64)],
) -> Response:
    permit(session, "redeem")
    try:
        data = RedemptionIn(redemption_no=redemption_no, member_id=member_id, reward=reward)
        answer = await run_in_threadpool(
            redemptions.redeem, context(request), program, data, session.caller.actor
        )
    except ValidationError as exc:
        return page(request, "_redeemed.html", 422, error=str(exc.errors()[0]["msg"]))
    except HuiyuanError as exc:
        return page(request, "_redeemed.html", exc.status, error=exc.detail)
    return page(request, "_redeemed.html", answer=answer)
