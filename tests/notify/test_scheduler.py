"""The scheduler of `huiyuan serve`: jobs at their local times in each program's time zone,
each scheduled moment run once, due messages sent; off with HUIYUAN_SCHEDULER=0."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from huiyuan.jobs.scheduler import (
    DEFAULT_SCHEDULE,
    Entry,
    Scheduler,
    parse_schedule,
    run_due,
    start_scheduler,
)
from huiyuan.notify.settings import NotifySettings
from huiyuan.presets.loader import load_preset
from huiyuan.services import programs
from tests.conftest import load_preset_into

from .kit import Recording, enroll, rows, write

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_schedule_entries_and_their_latest_moment_in_a_zone():
    entries = parse_schedule("expire_points@00:10, accrue_deposits@1/00:15 send_reminders@09:00")
    assert entries[1].day == 1 and entries[1].job == "accrue_deposits"
    assert {e.job for e in parse_schedule(DEFAULT_SCHEDULE)} >= {
        "expire_points",
        "send_reminders",
        "send_care_messages",
        "evaluate_tiers",
        "accrue_deposits",
        "settle_referrals",
    }
    for bad in ("expire_points", "expire_points@25:00", "x@29/01:00", "Bad@01:00"):
        with pytest.raises(ValueError):
            parse_schedule(bad)
    now = at("2026-06-01T04:00:00+00:00")  # 12:00 in Shanghai, 00:00 in New York
    expire, monthly, remind = entries
    assert expire.latest(now, SH) == at("2026-06-01T00:10:00+08:00")
    assert remind.latest(now, SH) == at("2026-06-01T09:00:00+08:00")
    assert monthly.latest(now, SH) == at("2026-06-01T00:15:00+08:00")
    assert expire.latest(now, NY) == at("2026-05-31T00:10:00-04:00")
    assert monthly.latest(now, NY) == at("2026-05-01T00:15:00-04:00")
    assert Entry("x", monthly.at, 1).latest(at("2026-01-01T00:00:00+08:00"), SH) == at(
        "2025-12-01T00:15:00+08:00"
    )


def test_run_due_runs_each_scheduled_moment_once_per_program_zone(ctx, clock):
    load_preset_into(ctx, "sales_points")
    ny = load_preset("sales_points").model_copy(update={"timezone": "America/New_York"})
    programs.load(ctx, ny, "sales_ny", "test", replace=False)
    schedule = parse_schedule("expire_points@00:10, send_reminders@09:00")
    clock.now = at("2026-06-01T04:00:00+00:00")
    ran = {(r["program"], r["job"], r["as_of"]) for r in run_due(ctx, schedule, clock.now)}
    assert ran == {
        ("sales_points", "expire_points", "2026-06-01T00:10:00+08:00"),
        ("sales_points", "send_reminders", "2026-06-01T09:00:00+08:00"),
        ("sales_ny", "expire_points", "2026-05-31T00:10:00-04:00"),
        ("sales_ny", "send_reminders", "2026-05-31T09:00:00-04:00"),
    }
    # Looking again at the same time (or minutes later) runs nothing.
    assert run_due(ctx, schedule, clock.now) == []
    assert run_due(ctx, schedule, clock.now + timedelta(minutes=9)) == []
    # New York reaches 00:10 on Jun 1 at 04:10 UTC: only its expiry runs.
    later = at("2026-06-01T04:10:00+00:00")
    assert [(r["program"], r["job"]) for r in run_due(ctx, schedule, later)] == [
        ("sales_ny", "expire_points")
    ]


def test_the_scheduler_thread_runs_jobs_and_sends_messages(make_api, ctx, clock):
    api = make_api("guide_store")
    mid = enroll(api)
    write(ctx, "guide_store", mid, "birthday:2026-05-17")
    channel = Recording()
    scheduler = Scheduler(ctx, parse_schedule("send_care_messages@09:30"), {"sms": channel}, 0.05)
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not channel.sent:
            time.sleep(0.05)
    finally:
        scheduler.stop()
    assert scheduler._thread is not None and not scheduler._thread.is_alive()
    assert [m.member_id for m in channel.sent][:1] == [mid]
    assert rows(ctx)[0].status == "sent"
    with ctx.uow(write=False) as uow:
        stored = uow.programs.get("guide_store")
        assert stored is not None
        # 12:00 in Shanghai: the 09:30 run of today.
        run = uow.jobs.get(stored.program_id, "send_care_messages", at("2026-06-01T09:30:00+08:00"))
    assert run is not None and run.status == "done"


def test_the_scheduler_can_be_turned_off(ctx, monkeypatch):
    monkeypatch.setenv("HUIYUAN_SCHEDULER", "0")
    assert start_scheduler(ctx) is None
    assert start_scheduler(ctx, NotifySettings(scheduler=False)) is None
