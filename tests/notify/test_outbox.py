"""The outbox: written in the event's transaction, sent once, retried with backoff, visible to
staff when it fails, held by quiet hours, refused by an opted-out member."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from huiyuan.notify.channels import FileChannel, SendError
from huiyuan.notify.sender import send_due

from .kit import Crash, Recording, enroll, rows, write

CODE = "guide_store"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_message_commits_with_its_cause_or_not_at_all(make_api, ctx):
    api = make_api(CODE)
    mid = enroll(api)
    out = write(ctx, CODE, mid, "birthday:2026-05-17", commit=False)  # the event rolled back
    assert out.status == "pending"
    assert rows(ctx) == []
    assert write(ctx, CODE, mid, "birthday:2026-05-17").status == "pending"
    # The same cause again (a job run twice): nothing new.
    assert write(ctx, CODE, mid, "birthday:2026-05-17").status == "duplicate"
    [row] = rows(ctx)
    assert (row.status, row.kind, row.channel, row.locale, row.attempts) == (
        "pending",
        "birthday",
        "sms",
        "zh-CN",
        0,
    )
    assert row.body.startswith("王芳，祝您生日快乐")


def test_a_crash_between_commit_and_send_leaves_the_message_to_be_sent_once_later(
    make_api, ctx, tmp_path
):
    api = make_api(CODE)
    mid = enroll(api)
    write(ctx, CODE, mid, "birthday:2026-05-17")
    # The process that committed the event dies here, before any sender ran. Later:
    channel = FileChannel(tmp_path / "sms.jsonl")
    first = send_due(ctx, {"sms": channel})
    assert (first.claimed, first.sent) == (1, 1)
    again = send_due(ctx, {"sms": channel})
    assert (again.claimed, again.sent) == (0, 0)
    [sent] = channel.read()
    assert sent["to"] == "13800138000"
    assert sent["member_id"] == mid
    assert sent["idempotency_key"] == f"huiyuan-{CODE}-{rows(ctx)[0].message_id}"
    assert rows(ctx)[0].status == "sent"


def test_a_sender_that_dies_mid_send_leaves_the_message_to_be_sent_once_after_its_lease(
    make_api, ctx, clock
):
    api = make_api(CODE)
    mid = enroll(api)
    write(ctx, CODE, mid, "birthday:2026-05-17")
    dying = Recording()
    dying.crash = True
    with pytest.raises(Crash):
        send_due(ctx, {"sms": dying}, worker="w1")
    [row] = rows(ctx)
    assert (row.status, row.claimed_by, row.attempts) == ("pending", "w1", 1)
    # Another sender while the dead one's lease (5 minutes) runs: not taken.
    live = Recording()
    assert send_due(ctx, {"sms": live}, worker="w2").claimed == 0
    clock.now += timedelta(minutes=5)
    report = send_due(ctx, {"sms": live}, worker="w2")
    assert (report.claimed, report.sent) == (1, 1)
    assert send_due(ctx, {"sms": live}, worker="w3").claimed == 0
    assert len(live.sent) == 1
    [row] = rows(ctx)
    assert (row.status, row.claimed_by, row.attempts, row.provider_ref) == (
        "sent",
        None,
        2,
        f"ref-{row.message_id}",
    )


def test_failed_sends_retry_with_exponential_backoff_and_are_visible_to_staff(make_api, ctx, clock):
    api = make_api(CODE)
    mid = enroll(api)
    clock.now = at("2026-06-01T09:00:00+08:00")
    write(ctx, CODE, mid, "birthday:2026-05-17")
    flaky = Recording()
    flaky.fail = SendError("gateway 503")
    assert send_due(ctx, {"sms": flaky}).failed == 1
    # Staff see it: failed, one attempt, why, and when it is tried again (60 s later).
    r = api.get("/outbox", params={"status": "failed"}, role="manager")
    assert r.status_code == 200, r.text
    [item] = r.json()["items"]
    assert (item["status"], item["attempts"], item["last_error"]) == ("failed", 1, "gateway 503")
    assert item["retry_at"] == "2026-06-01T09:01:00+08:00"
    assert item["gave_up_at"] is None
    assert r.json()["counts"]["failed"] == 1
    assert api.get("/outbox", params={"status": "failed"}, role="cashier").status_code == 403
    # Not before its time; then again, waiting twice as long after each failure.
    clock.now = at("2026-06-01T09:00:59+08:00")
    assert send_due(ctx, {"sms": flaky}).claimed == 0
    waits = []
    for _ in range(7):
        clock.now = rows(ctx)[0].due_at
        before = clock.now
        send_due(ctx, {"sms": flaky})
        waits.append(rows(ctx)[0].due_at - before)
    # Attempts 2..7 wait 2, 4, 8, 16, 32, 64 minutes; the 8th (max_attempts) gives up.
    minutes = [int(w.total_seconds() // 60) for w in waits[:-1]]
    assert minutes == [2, 4, 8, 16, 32, 64]
    [row] = rows(ctx)
    assert (row.status, row.attempts) == ("failed", 8)
    assert row.gave_up_at is not None
    r = api.get("/outbox", params={"status": "failed"}, role="manager")
    assert r.json()["items"][0]["retry_at"] is None
    assert send_due(ctx, {"sms": flaky}).claimed == 0  # given up: no more tries by itself
    # A manager sends it again once the gateway is back.
    flaky.fail = None
    r = api.post(f"/outbox/{row.message_id}/retry", role="manager")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["attempts"]) == ("failed", 0)
    assert send_due(ctx, {"sms": flaky}).sent == 1
    assert rows(ctx)[0].status == "sent"
    r = api.post(f"/outbox/{row.message_id}/retry", role="manager")
    assert r.status_code == 422
    assert r.json()["code"] == "message_not_failed"


def test_a_permanent_failure_gives_up_at_once(make_api, ctx):
    api = make_api(CODE)
    mid = enroll(api)
    write(ctx, CODE, mid, "birthday:2026-05-17")
    refused = Recording()
    refused.fail = SendError("number refused", retryable=False)
    assert send_due(ctx, {"sms": refused}).gave_up == 1
    # No channel configured for the message's channel: the same, with the reason.
    write(ctx, CODE, mid, "festival:mid_autumn:2026", kind="festival")
    assert send_due(ctx, {}).gave_up == 1
    errors = sorted(r.last_error for r in rows(ctx))
    assert errors == ["channel 'sms' is not configured", "number refused"]


def test_quiet_hours_delay_messages_until_morning(make_api, ctx, clock):
    api = make_api(CODE)
    mid = enroll(api)
    clock.now = at("2026-06-01T22:00:00+08:00")
    write(ctx, CODE, mid, "birthday:2026-05-17")
    [row] = rows(ctx)
    assert row.due_at == at("2026-06-02T08:00:00+08:00")
    channel = Recording()
    report = send_due(ctx, {"sms": channel})
    assert (report.claimed, report.quiet_programs) == (0, [CODE])
    clock.now = at("2026-06-02T07:59:59+08:00")
    assert send_due(ctx, {"sms": channel}).claimed == 0
    clock.now = at("2026-06-02T08:00:00+08:00")
    assert send_due(ctx, {"sms": channel}).sent == 1
    # A message due in the afternoon but not sent before 21:00 (the sender was down) waits too.
    clock.now = at("2026-06-02T15:00:00+08:00")
    write(ctx, CODE, mid, "festival:dragon_boat:2026", kind="festival")
    clock.now = at("2026-06-02T23:30:00+08:00")
    assert send_due(ctx, {"sms": channel}).claimed == 0
    clock.now = at("2026-06-03T08:00:00+08:00")
    assert send_due(ctx, {"sms": channel}).sent == 1
    assert len(channel.sent) == 2


def test_members_opt_out_of_all_messages_or_some_kinds(make_api, ctx):
    api = make_api(CODE)
    mid = enroll(api)
    other = enroll(api, phone="13900139000")
    assert api.get(f"/members/{mid}/notifications").json() == {
        "member_id": mid,
        "opted_out": False,
        "opted_out_kinds": [],
        "channel": None,
        "locale": None,
        "email": None,
    }
    write(ctx, CODE, mid, "birthday:2026-05-17")  # pending, written before the opt-out
    r = api.request(
        "PUT", f"/members/{mid}/notifications", json={"opted_out": True}, role="cashier"
    )
    assert r.status_code == 200, r.text
    assert r.json()["opted_out"] is True
    assert write(ctx, CODE, mid, "festival:dragon_boat:2026", kind="festival").status == "skipped"
    # Only care messages refused: a tier notice still goes out.
    body = {"opted_out_kinds": ["care"], "locale": "en"}
    assert api.request("PUT", f"/members/{other}/notifications", json=body).status_code == 200
    assert write(ctx, CODE, other, "festival:dragon_boat:2026", kind="festival").status == "skipped"
    assert write(ctx, CODE, other, "x", kind="miss_you").status == "skipped"
    channel = Recording()
    report = send_due(ctx, {"sms": channel})
    # The message written before the opt-out is checked again when sent: skipped too.
    assert (report.sent, report.skipped) == (0, 1)
    by_key = {(r.member_id, r.dedupe_key): r for r in rows(ctx)}
    assert by_key[(mid, "birthday:2026-05-17")].last_error == "opted_out"
    assert {r.status for r in by_key.values()} == {"skipped"}
    # The English locale chosen by the member is used for their messages.
    assert by_key[(other, "x")].body.startswith("Dear 王芳, it has been a while")
    # Choices are checked: an unknown kind, or e-mail without an address.
    bad = {"opted_out_kinds": ["spam"]}
    assert api.request("PUT", f"/members/{mid}/notifications", json=bad).status_code == 422
    r = api.request("PUT", f"/members/{mid}/notifications", json={"channel": "email"})
    assert (r.status_code, r.json()["code"]) == (422, "email_required")
    body = {"channel": "email", "email": "wangfang@example.cn", "opted_out": False}
    r = api.request("PUT", f"/members/{mid}/notifications", json=body)
    assert r.status_code == 200, r.text
    assert (r.json()["channel"], r.json()["email"]) == ("email", "w***@example.cn")


def test_a_concurrent_duplicate_is_dropped_without_breaking_the_transaction(make_api, ctx):
    api = make_api(CODE)
    mid = enroll(api)
    write(ctx, CODE, mid, "birthday:2026-05-17")
    [row] = rows(ctx)
    values = {k: v for k, v in row._mapping.items() if k != "message_id"}
    with ctx.uow() as uow:
        # Another writer got there first (the unique key): None, and the transaction goes on.
        assert uow.outbox.add(values) is None
        assert uow.outbox.add({**values, "dedupe_key": "festival:x"}) is not None
        uow.commit()
    assert [r.dedupe_key for r in rows(ctx)] == ["birthday:2026-05-17", "festival:x"]


def test_a_manager_sends_due_messages_now(make_api, ctx):
    api = make_api(CODE)
    mid = enroll(api)
    write(ctx, CODE, mid, "birthday:2026-05-17")
    channel = Recording()
    api.client.app.state.notify_channels = {"sms": channel}
    assert api.post("/outbox/send", role="cashier").status_code == 403
    r = api.post("/outbox/send", role="manager")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "claimed": 1,
        "sent": 1,
        "failed": 0,
        "gave_up": 0,
        "skipped": 0,
        "quiet_programs": [],
    }
    assert [m.member_id for m in channel.sent] == [mid]
