"""The sender: claims due outbox rows, sends each through its channel, marks it.

Claiming is a short transaction that gives the rows to this worker for a lease (5 minutes).
Each message is then sent and marked in its own transaction. What a crash leaves behind:
- before the claim: rows stay pending, and the next run sends them;
- after the claim, before the send: the lease runs out, and a later run sends them once;
- after the send, before the mark: the same, so the message may go out again; the channel's
  idempotency key (`huiyuan-{program}-{message_id}`) lets a gateway drop the repeat.
A failed send is retried with exponential backoff (program `[notify]`), and after
`max_attempts` (or at once when retrying cannot help) it stays `failed`, visible to staff in
`GET /outbox?status=failed`, until a manager requeues it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from ..domain.calendar import zone
from ..domain.records.members import Member
from ..domain.records.notify import NotifyPrefs, OutboxMessage
from ..services.context import Context
from ..services.results.notify import SendRound
from ..store.repos.programs import StoredProgram
from .channels import Channel, Outgoing, SendError
from .outbox import opted_out
from .policy import backoff, is_quiet, next_allowed

log = logging.getLogger("huiyuan.notify")
LEASE = timedelta(minutes=5)


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # will be retried
    gave_up: int = 0
    skipped: int = 0
    quiet_programs: list[str] = field(default_factory=list)

    def as_dict(self) -> SendRound:
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "failed": self.failed,
            "gave_up": self.gave_up,
            "skipped": self.skipped,
            "quiet_programs": self.quiet_programs,
        }


def send_due(
    ctx: Context,
    channels: dict[str, Channel],
    program_code: str | None = None,
    limit: int = 200,
    worker: str | None = None,
    lease: timedelta = LEASE,
) -> SendReport:
    """Sends up to `limit` due messages (all programs, or one) and reports what happened."""
    worker = worker or f"sender-{uuid.uuid4().hex[:12]}"
    report = SendReport()
    programs, rows = _claim(ctx, program_code, limit, worker, lease, report)
    report.claimed = len(rows)
    for row in rows:
        _send_one(ctx, channels, programs[row.program_id], row, worker, report)
    return report


def _claim(
    ctx: Context,
    program_code: str | None,
    limit: int,
    worker: str,
    lease: timedelta,
    report: SendReport,
) -> tuple[dict[int, StoredProgram], list[OutboxMessage]]:
    """Claims due messages for this worker in a short transaction, past programs in their
    quiet hours (noted in the report); answers the programs by id and the messages."""
    now = ctx.now()
    with ctx.uow() as uow:
        programs = {p.program_id: p for p in uow.programs.list()}
        quiet = [
            pid
            for pid, p in programs.items()
            if is_quiet(p.program.notify, now, zone(p.program.timezone))
        ]
        report.quiet_programs = sorted(programs[pid].code for pid in quiet)
        only = _program_id(programs, program_code)
        rows = uow.outbox.claim(now, worker, now + lease, limit, quiet, only)
        uow.commit()
    return programs, rows


def _program_id(programs: dict[int, StoredProgram], code: str | None) -> int | None:
    """The id to claim for: none for every program; an id no program has for an unknown code."""
    if code is None:
        return None
    return next((pid for pid, p in programs.items() if p.code == code), -1)


def _recipient(ctx: Context, channel: str, member: Member, prefs: NotifyPrefs | None) -> str | None:
    if channel == "sms":
        return ctx.sealer.open(member.phone_enc) if member.phone_enc else None
    if channel == "email":
        return ctx.sealer.open(prefs.email_enc) if prefs is not None and prefs.email_enc else None
    return member.phone_masked or member.member_id


def _addressee(ctx: Context, stored: StoredProgram, row: OutboxMessage) -> tuple[str | None, str]:
    """(recipient, "") to send to, or (None, why the message is skipped)."""
    with ctx.uow(write=False) as uow:
        member = uow.members.get(stored.program_id, row.member_id)
        prefs = uow.outbox.prefs(stored.program_id, row.member_id)
    if member is None:
        return None, "no such member"
    if opted_out(prefs, row.kind):
        return None, "opted_out"
    to = _recipient(ctx, row.channel, member, prefs)
    return (to, "") if to else (None, f"no recipient for {row.channel}")


def _send_one(
    ctx: Context,
    channels: dict[str, Channel],
    stored: StoredProgram,
    row: OutboxMessage,
    worker: str,
    report: SendReport,
) -> None:
    policy = stored.program.notify
    tz = zone(stored.program.timezone)
    to, skip = _addressee(ctx, stored, row)
    if to is None:
        with ctx.uow() as uow:
            uow.outbox.mark_skipped(row.message_id, worker, skip)
            uow.commit()
        report.skipped += 1
        return
    now = ctx.now()
    if is_quiet(policy, now, tz):  # quiet hours began since the claim
        with ctx.uow() as uow:
            uow.outbox.release(row.message_id, worker, next_allowed(policy, now, tz))
            uow.commit()
        return
    ref, error = _deliver(channels.get(row.channel), stored, row, to)
    _mark(ctx, stored, row, worker, ref, error, report)


def _deliver(
    channel: Channel | None, stored: StoredProgram, row: OutboxMessage, to: str
) -> tuple[str | None, SendError | None]:
    """Sends the message: (the provider's reference, None), or (None, why it failed)."""
    max_attempts = stored.program.notify.max_attempts
    if channel is None:
        return None, SendError(f"channel {row.channel!r} is not configured", retryable=False)
    if row.attempts > max_attempts:
        return None, SendError(f"gave up after {max_attempts} attempts", retryable=False)
    message = Outgoing(
        message_id=row.message_id,
        program=stored.code,
        member_id=row.member_id,
        kind=row.kind,
        to=to,
        subject=row.subject,
        body=row.body,
        idempotency_key=f"huiyuan-{stored.code}-{row.message_id}",
    )
    try:
        return channel.send(message), None
    except SendError as exc:
        return None, exc
    except Exception as exc:  # a channel's bug must not stop the other messages
        log.exception("channel %s failed on message %s", row.channel, row.message_id)
        return None, SendError(f"{type(exc).__name__}: {exc}")


def _mark(
    ctx: Context,
    stored: StoredProgram,
    row: OutboxMessage,
    worker: str,
    ref: str | None,
    error: SendError | None,
    report: SendReport,
) -> None:
    """Marks the message sent, failed with a retry after the backoff, or failed for good."""
    policy = stored.program.notify
    now = ctx.now()
    with ctx.uow() as uow:
        if error is None:
            uow.outbox.mark_sent(row.message_id, worker, now, ref)
            report.sent += 1
        else:
            retry_at = None
            if error.retryable and row.attempts < policy.max_attempts:
                tz = zone(stored.program.timezone)
                retry_at = next_allowed(policy, now + backoff(policy, row.attempts), tz)
            uow.outbox.mark_failed(row.message_id, worker, now, error.reason, retry_at)
            if retry_at is None:
                report.gave_up += 1
            else:
                report.failed += 1
        uow.commit()
