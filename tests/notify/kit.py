"""Shared steps of the notification tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from huiyuan.notify.channels import Outgoing, SendError
from huiyuan.notify.outbox import Enqueued, enqueue
from huiyuan.services.context import Context, require_program

SIGN = {"signature": "—— 您的专属导购 李娜（S01）", "signature_en": "— Li Na, your guide at S01"}


def enroll(api: Any, phone: str = "13800138000", **extra: Any) -> str:
    body = {
        "name": "王芳",
        "phone": phone,
        "birthday": "1990-05-17",
        "joined_at": "2026-01-05T10:00:00+08:00",
        **extra,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    return str(r.json()["member_id"])


def write(
    ctx: Context,
    code: str,
    member_id: str,
    key: str,
    kind: str = "birthday",
    occurred_at: datetime | None = None,
    commit: bool = True,
) -> Enqueued:
    """An event that causes a message: the message is written in the event's transaction."""
    with ctx.uow() as uow:
        stored = require_program(uow, code)
        member = uow.members.get(stored.program_id, member_id)
        out = enqueue(
            uow, stored, member, kind, key, dict(SIGN), occurred_at or ctx.now(), ctx.now()
        )
        if commit:
            uow.commit()
    return out


def rows(ctx: Context) -> list[Any]:
    from sqlalchemy import select

    from huiyuan.store.schema import outbox

    with ctx.uow(write=False) as uow:
        return list(uow.conn.execute(select(outbox).order_by(outbox.c.message_id)))


class Crash(BaseException):
    """The sender's process dying in the middle of a send (not an error it could handle)."""


class Recording:
    """A channel that records what it sent, and can be told to fail or crash."""

    def __init__(self, name: str = "sms"):
        self.name = name
        self.sent: list[Outgoing] = []
        self.fail: SendError | None = None
        self.crash = False

    def send(self, message: Outgoing) -> str | None:
        if self.crash:
            raise Crash()
        if self.fail is not None:
            raise self.fail
        self.sent.append(message)
        return f"ref-{message.message_id}"
