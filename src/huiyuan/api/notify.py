"""Notifications: the outbox for staff (failed sends are visible and can be retried), members'
notification preferences (opt-out), and the published lists (balances, notice board)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ..notify import service
from ..notify.channels import Channel
from ..notify.settings import NotifySettings, build_channels
from ..services.inputs import MomentIn, NotifyPrefsIn, Ref
from .deps import Ctx, Enroller, Manager, Reader
from .schemas.common import problems
from .schemas.notify import BalanceList, MessageView, NotifyPrefsView, OutboxPage, SendRound

router = APIRouter(prefix="/api/v1/programs/{program}", tags=["notify"])

READ = problems(401, 404, 422)  # any role reads
STAFF = problems(401, 403, 404, 422)  # managers only
Limit = Annotated[int, Query(ge=1, le=5000)]
After = Annotated[str | None, Query(max_length=32, pattern=r"^[\w\-]+$")]  # the last member seen


def channels_of(request: Request) -> dict[str, Channel]:
    """The app's channels: set on `app.state.notify_channels` (tests, embedding), else built
    once from the environment (HUIYUAN_SMS_URL, HUIYUAN_SMTP_HOST, ...)."""
    channels: dict[str, Channel] | None = getattr(request.app.state, "notify_channels", None)
    if channels is None:
        channels = build_channels(NotifySettings())
        request.app.state.notify_channels = channels
    return channels


@router.get("/outbox", response_model=OutboxPage, responses=STAFF)
def outbox(
    program: str,
    ctx: Ctx,
    _: Manager,
    status: Annotated[str | None, Query(pattern="^(pending|sent|failed|skipped)$")] = None,
    member_id: Annotated[str | None, Query(max_length=32, pattern=r"^[\w\-]+$")] = None,
    kind: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z_]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> OutboxPage:
    return service.list_outbox(ctx, program, status, member_id, kind, limit, before)


@router.post("/outbox/{message_id}/retry", response_model=MessageView, responses=STAFF)
def retry(program: str, message_id: int, ctx: Ctx, _: Manager) -> MessageView:
    return service.requeue(ctx, program, message_id)


@router.post("/outbox/send", response_model=SendRound, responses=STAFF)
def send(
    program: str,
    request: Request,
    ctx: Ctx,
    _: Manager,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> SendRound:
    return service.send_now(ctx, program, channels_of(request), limit)


@router.get("/members/{member_id}/notifications", response_model=NotifyPrefsView, responses=READ)
def get_prefs(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> NotifyPrefsView:
    return service.get_prefs(ctx, program, member_id)


@router.put(
    "/members/{member_id}/notifications",
    response_model=NotifyPrefsView,
    responses=problems(400, 401, 403, 404, 422),
)
def put_prefs(
    program: str, member_id: Ref, body: NotifyPrefsIn, ctx: Ctx, caller: Enroller
) -> NotifyPrefsView:
    return service.set_prefs(ctx, program, member_id, body, caller.actor)


@router.get("/reports/balances", response_model=BalanceList, responses=READ)
def balances(
    program: str,
    ctx: Ctx,
    _: Reader,
    as_of: MomentIn | None = None,
    limit: Limit = 500,
    after: After = None,
) -> BalanceList:
    return service.balances(ctx, program, as_of, None, limit, after)


@router.get("/reports/notice-board", response_model=BalanceList, responses=READ)
def notice_board(
    program: str,
    ctx: Ctx,
    _: Reader,
    as_of: MomentIn | None = None,
    limit: Limit = 500,
    after: After = None,
) -> BalanceList:
    return service.notice_board(ctx, program, as_of, limit, after)
