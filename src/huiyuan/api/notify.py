"""Notifications: the outbox for staff (failed sends are visible and can be retried), members'
notification preferences (opt-out), and the published lists (balances, notice board)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ..notify import service
from ..notify.channels import Channel
from ..notify.settings import NotifySettings, build_channels
from ..services.inputs import MomentIn, NotifyPrefsIn, Ref
from .deps import Ctx, Enroller, Manager, Reader

router = APIRouter(prefix="/api/v1/programs/{program}")


def channels_of(request: Request) -> dict[str, Channel]:
    """The app's channels: set on `app.state.notify_channels` (tests, embedding), else built
    once from the environment (HUIYUAN_SMS_URL, HUIYUAN_SMTP_HOST, ...)."""
    channels: dict[str, Channel] | None = getattr(request.app.state, "notify_channels", None)
    if channels is None:
        channels = build_channels(NotifySettings())
        request.app.state.notify_channels = channels
    return channels


@router.get("/outbox")
def outbox(
    program: str,
    ctx: Ctx,
    _: Manager,
    status: Annotated[str | None, Query(pattern="^(pending|sent|failed|skipped)$")] = None,
    member_id: Annotated[str | None, Query(max_length=32, pattern=r"^[\w\-]+$")] = None,
    kind: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z_]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    return service.list_outbox(ctx, program, status, member_id, kind, limit, before)


@router.post("/outbox/{message_id}/retry")
def retry(program: str, message_id: int, ctx: Ctx, _: Manager) -> dict[str, Any]:
    return service.requeue(ctx, program, message_id)


@router.post("/outbox/send")
def send(
    program: str,
    request: Request,
    ctx: Ctx,
    _: Manager,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    return service.send_now(ctx, program, channels_of(request), limit)


@router.get("/members/{member_id}/notifications")
def get_prefs(program: str, member_id: Ref, ctx: Ctx, _: Reader) -> dict[str, Any]:
    return service.get_prefs(ctx, program, member_id)


@router.put("/members/{member_id}/notifications")
def put_prefs(
    program: str, member_id: Ref, body: NotifyPrefsIn, ctx: Ctx, caller: Enroller
) -> dict[str, Any]:
    return service.set_prefs(ctx, program, member_id, body, caller.actor)


@router.get("/reports/balances")
def balances(
    program: str,
    ctx: Ctx,
    _: Reader,
    as_of: MomentIn | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    after: Annotated[str | None, Query(max_length=32, pattern=r"^[\w\-]+$")] = None,
) -> dict[str, Any]:
    return service.balances(ctx, program, as_of, None, limit, after)


@router.get("/reports/notice-board")
def notice_board(
    program: str,
    ctx: Ctx,
    _: Reader,
    as_of: MomentIn | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    after: Annotated[str | None, Query(max_length=32, pattern=r"^[\w\-]+$")] = None,
) -> dict[str, Any]:
    return service.notice_board(ctx, program, as_of, limit, after)
