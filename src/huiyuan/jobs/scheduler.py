"""The scheduler inside `huiyuan serve`: runs jobs at their local times in each program's time
zone, and sends due messages from the outbox.

A schedule is a list of `job@HH:MM` (daily) and `job@D/HH:MM` (monthly, on day D) entries,
separated by commas or spaces; HUIYUAN_SCHEDULE replaces `DEFAULT_SCHEDULE`. Every
`HUIYUAN_SCHEDULER_INTERVAL` seconds the scheduler looks, for each program and entry, at the
latest scheduled moment not after now (in the program's zone) and runs the job as of that
moment unless a finished run for it is recorded. Runs are idempotent per program, job and
moment, so two servers, a restart or a cron job running the same thing change nothing twice;
after downtime only the latest missed moment runs (every job catches up by itself: expiry
sweeps all lots expired by its moment, reminders pick the offsets already reached).

Turn it off with HUIYUAN_SCHEDULER=0 (tests, or a deployment that uses cron instead:
`huiyuan jobs run JOB --program CODE` and `huiyuan notify send`; see docs/scheduling.md).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.calendar import zone
from ..domain.statuses import JobStatus
from ..notify.channels import Channel
from ..notify.sender import send_due
from ..notify.settings import NotifySettings, build_channels
from ..services.context import Context
from .base import JOBS, run_job

log = logging.getLogger("huiyuan.scheduler")

# Order within a day matters: expiry before reminders, deposits accrued before referral
# settlements and before levels are fixed on the 1st.
DEFAULT_SCHEDULE = (
    "activate_pending@00:05, expire_points@00:10, accrue_deposits@1/00:15, "
    "evaluate_tiers@00:20, settle_referrals@1/00:30, classify_customers@00:40, "
    "reclaim_members@01:00, plan_service_tasks@01:30, "
    "send_reminders@09:00, send_care_messages@09:30"
)

_ENTRY = re.compile(r"^([a-z_]+)@(?:(\d{1,2})/)?(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Entry:
    job: str
    at: time
    day: int | None = None  # day of the month; none: every day

    def latest(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The latest scheduled moment not after `now`, in `tz`."""
        local = now.astimezone(tz)
        if self.day is None:
            candidate = datetime.combine(local.date(), self.at, tzinfo=tz)
            if candidate > local:
                candidate = datetime.combine(local.date() - timedelta(days=1), self.at, tzinfo=tz)
            return candidate
        candidate = datetime.combine(date(local.year, local.month, self.day), self.at, tzinfo=tz)
        if candidate > local:
            year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
            candidate = datetime.combine(date(year, month, self.day), self.at, tzinfo=tz)
        return candidate


def parse_schedule(text: str) -> list[Entry]:
    entries = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        match = _ENTRY.match(part)
        if match is None:
            raise ValueError(f"bad schedule entry {part!r}: write job@HH:MM or job@D/HH:MM")
        job, day, hour, minute = match.groups()
        if day is not None and not 1 <= int(day) <= 28:
            raise ValueError(f"{part!r}: a monthly day is 1–28")
        entries.append(Entry(job, time(int(hour), int(minute)), int(day) if day else None))
    return entries


def run_due(ctx: Context, schedule: list[Entry], now: datetime) -> list[dict[str, Any]]:
    """Runs every job whose latest scheduled moment has no finished run yet."""
    results: list[dict[str, Any]] = []
    with ctx.uow(write=False) as uow:
        programs = uow.programs.list()
    for stored in programs:
        tz = zone(stored.program.timezone)
        for entry in schedule:
            if entry.job not in JOBS:
                continue
            moment = entry.latest(now, tz)
            with ctx.uow(write=False) as uow:
                run = uow.jobs.get(stored.program_id, entry.job, moment)
            if run is not None and run.status == JobStatus.DONE:
                continue
            try:
                results.append(
                    {"program": stored.code, **run_job(ctx, stored.code, entry.job, moment)}
                )
            except Exception:  # one job's failure must not stop the others; it reruns next look
                log.exception("job %s for %s as of %s failed", entry.job, stored.code, moment)
    return results


class Scheduler:
    def __init__(
        self,
        ctx: Context,
        schedule: list[Entry],
        channels: dict[str, Channel],
        interval: float = 30.0,
        outbox_batch: int = 200,
    ):
        self.ctx = ctx
        self.schedule = schedule
        self.channels = channels
        self.interval = interval
        self.outbox_batch = outbox_batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        for result in run_due(self.ctx, self.schedule, self.ctx.now()):
            log.info("ran %s for %s as of %s", result["job"], result["program"], result["as_of"])
        report = send_due(self.ctx, self.channels, limit=self.outbox_batch)
        if report.claimed:
            log.info("outbox: %s", report.as_dict())

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("scheduler round failed")
            self._stop.wait(self.interval)

    def start(self) -> Scheduler:
        self._thread = threading.Thread(target=self._loop, name="huiyuan-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def start_scheduler(ctx: Context, settings: NotifySettings | None = None) -> Scheduler | None:
    """The scheduler thread for `huiyuan serve`, or None when HUIYUAN_SCHEDULER=0."""
    s = settings or NotifySettings()
    if not s.scheduler:
        return None
    schedule = parse_schedule(s.schedule or DEFAULT_SCHEDULE)
    scheduler = Scheduler(ctx, schedule, build_channels(s), s.scheduler_interval, s.outbox_batch)
    return scheduler.start()
