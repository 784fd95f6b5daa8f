"""`send_reminders`: expiry reminders (sales_points 30, 7, 1 days), balance statements on the
8th, redemption-window notices and the notice board (supermarket), upgrade-possible notices
(fashion), tier-change notices (online_shop). Each message once per member and cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.schemes.expiry_kit import ID, buy, enroll, line


def run(api: Any, clock: Any, job: str, as_of: str) -> dict[str, Any]:
    clock.now = datetime.fromisoformat(as_of)  # the job runs at its moment
    r = api.post(f"/jobs/{job}", {"as_of": as_of})
    assert r.status_code == 200, r.text
    return dict(r.json())


def messages(api: Any, kind: str | None = None) -> list[dict[str, Any]]:
    params = {"limit": 500, **({"kind": kind} if kind else {})}
    r = api.get("/outbox", params=params, role="manager")
    assert r.status_code == 200, r.text
    return list(reversed(r.json()["items"]))  # oldest first


def test_sales_points_expiry_reminders_30_7_and_1_days_before(make_api, clock):
    api = make_api("sales_points")
    seller = enroll(api, {"name": "李雷"})
    other = enroll(api, {"name": "韩梅", "phone": "13900139000"})
    nothing = enroll(api, {"name": "张三", "phone": "13700137000"})
    # 2500.00 signed on 2026-03-10 → 2 points, valid through 2026-12-31 (gone 2027-01-01).
    for mid, no in ((seller, "S1"), (other, "S2")):
        assert buy(api, mid, no, "2026-03-10T10:00:00+08:00", [line(1, "2500.00")]) == 2
    # 900.00 → 0 points (carried): nothing to expire, no reminder.
    assert buy(api, nothing, "S3", "2026-03-10T10:00:00+08:00", [line(1, "900.00")]) == 0
    # 2027-01-01 00:00 − 30 days = 2026-12-02 00:00: Dec 1 is too early.
    assert run(api, clock, "send_reminders", "2026-12-01T09:00:00+08:00")["queued"] == {}
    assert run(api, clock, "send_reminders", "2026-12-02T09:00:00+08:00")["queued"] == {
        "expiry_reminder": 2
    }
    [first] = [m for m in messages(api, "expiry_reminder") if m["member_id"] == seller]
    assert first["body"] == (
        "【营销积分】李雷您好，您有 2 积分将于 2026-12-31 24:00 到期（还剩 30 天），"
        "请在到期前使用。"
    )
    assert first["status"] == "pending" and first["due_at"] == "2026-12-02T09:00:00+08:00"
    # Dec 3: the 30-day reminder is not repeated and the 7-day one is not due yet.
    assert run(api, clock, "send_reminders", "2026-12-03T09:00:00+08:00")["queued"] == {}
    # Dec 25 (Jan 1 − 7 days) and Dec 31 (− 1 day).
    assert run(api, clock, "send_reminders", "2026-12-25T09:00:00+08:00")["queued"] == {
        "expiry_reminder": 2
    }
    assert run(api, clock, "send_reminders", "2026-12-31T09:00:00+08:00")["queued"] == {
        "expiry_reminder": 2
    }
    # The same moment again is a repeat; another moment the same day finds everything sent.
    assert run(api, clock, "send_reminders", "2026-12-31T09:00:00+08:00")["repeated"] is True
    assert run(api, clock, "send_reminders", "2026-12-31T15:00:00+08:00")["queued"] == {}
    sent = [(m["member_id"], m["body"].split("（")[1].split("）")[0]) for m in messages(api)]
    assert sorted(sent) == sorted(
        [(mid, f"还剩 {d} 天") for mid in (seller, other) for d in (30, 7, 1)]
    )
    # On Jan 1 the points are gone: nothing more to remind of.
    assert run(api, clock, "send_reminders", "2027-01-01T09:00:00+08:00")["queued"] == {}


def test_a_missed_day_sends_the_offset_reached_not_every_earlier_one(make_api, clock):
    api = make_api("sales_points")
    mid = enroll(api, {"name": "李雷"})
    assert buy(api, mid, "S1", "2026-03-10T10:00:00+08:00", [line(1, "3000.00")]) == 3
    # First run on Dec 26 (6 days before): the 7-day reminder, not the 30-day one as well.
    assert run(api, clock, "send_reminders", "2026-12-26T09:00:00+08:00")["queued"] == {
        "expiry_reminder": 1
    }
    [m] = messages(api)
    assert "3 积分将于 2026-12-31 24:00 到期（还剩 6 天）" in m["body"]


def test_sales_points_balances_are_published_on_the_8th(make_api, clock):
    api = make_api("sales_points")
    a = enroll(api, {"name": "李雷"})
    b = enroll(api, {"name": "韩梅", "phone": "13900139000"})
    assert buy(api, a, "S1", "2026-03-10T10:00:00+08:00", [line(1, "2500.00")]) == 2
    assert run(api, clock, "send_reminders", "2026-04-07T09:00:00+08:00")["queued"] == {}
    result = run(api, clock, "send_reminders", "2026-04-08T09:00:00+08:00")
    assert result["queued"] == {"balance_statement": 2}
    bodies = {m["member_id"]: m["body"] for m in messages(api, "balance_statement")}
    assert bodies[a] == (
        "【营销积分】李雷您好，截至 2026-04-08，您的积分余额为 2。其中 2 积分有效期至 2026-12-31。"
    )
    assert bodies[b] == "【营销积分】韩梅您好，截至 2026-04-08，您的积分余额为 0。"
    assert run(api, clock, "send_reminders", "2026-04-08T18:00:00+08:00")["queued"] == {}
    r = api.get("/reports/balances", params={"as_of": "2026-04-08T00:00:00+08:00"})
    assert r.status_code == 200, r.text
    points = {i["member_id"]: (i["points"], i["expiring"]) for i in r.json()["items"]}
    assert points == {
        a: (2, [{"expires_at": "2027-01-01T00:00:00+08:00", "points": 2}]),
        b: (0, []),
    }
    # Paged by member id.
    r = api.get("/reports/balances", params={"limit": 1})
    assert len(r.json()["items"]) == 1 and r.json()["next_after"] == min(a, b)


def test_supermarket_redemption_window_notice_and_notice_board(make_api, clock):
    api = make_api("supermarket")  # redemption windows: the last 7 days of Mar, Jun, Sep, Dec
    members = {}
    for name, phone, amount in (
        ("甲", "13800138001", "1600.00"),
        ("乙", "13800138002", "1500.00"),
        ("丙", "13800138003", "1000.00"),
    ):
        mid = enroll(api, {"name": name, "phone": phone, "id_number": ID, "fee_paid": "5.00"}, True)
        assert buy(api, mid, f"R{phone}", "2026-02-01T10:00:00+08:00", [line(1, amount, "food")])
        members[name] = mid
    # The Q1 window is the last 7 days of March: Mar 25–31.
    assert run(api, clock, "send_reminders", "2026-03-24T09:00:00+08:00")["queued"] == {}
    result = run(api, clock, "send_reminders", "2026-03-25T09:00:00+08:00")
    # Members who can redeem the smallest step (1500 points) are told; 丙 (1000) is not.
    assert result["queued"] == {"redemption_window": 2}
    notices = {m["member_id"]: m["body"] for m in messages(api, "redemption_window")}
    assert set(notices) == {members["甲"], members["乙"]}
    assert notices[members["甲"]] == (
        "【超市会员卡】甲您好，本期积分兑换活动 2026-03-25 至 2026-03-31 开放，"
        "您现有 1600 积分，请携会员卡和身份证件到服务台兑换。"
    )
    assert run(api, clock, "send_reminders", "2026-03-26T09:00:00+08:00")["queued"] == {}
    # The notice board lists members with MORE than 1500 points: 甲 only.
    r = api.get("/reports/notice-board", params={"as_of": "2026-03-25T00:00:00+08:00"})
    assert r.status_code == 200, r.text
    assert [(i["name"], i["points"], i["phone"]) for i in r.json()["items"]] == [
        ("甲", 1600, "138****8001")
    ]
    assert r.json()["more_than"] == 1500
    # After Jan 1 the points are cleared: an empty board.
    r = api.get("/reports/notice-board", params={"as_of": "2027-01-01T00:00:00+08:00"})
    assert r.json()["items"] == []


def test_fashion_members_hear_when_they_may_apply_for_an_upgrade(make_api, clock):
    api = make_api("fashion")
    mid = enroll(api, {"name": "周敏", "birthday": "1985-09-09", "fee_paid": "10.00"})
    # 5555.00 at 9折 → 4999.50 → 4999 points: one short of 金卡's 5000.
    assert buy(api, mid, "F1", "2026-03-01T10:00:00+08:00", [line(1, "5555.00", "apparel")]) == 4999
    assert run(api, clock, "send_reminders", "2026-03-02T09:00:00+08:00")["queued"] == {}
    # 2.00 more → 1.80 → 1 point: 5000.
    assert buy(api, mid, "F2", "2026-03-02T10:00:00+08:00", [line(1, "2.00", "apparel")]) == 1
    result = run(api, clock, "send_reminders", "2026-03-03T09:00:00+08:00")
    assert result["queued"] == {"upgrade_possible": 1}
    [m] = messages(api, "upgrade_possible")
    assert m["body"] == (
        "【服装店VIP会员】周敏您好，您的累计积分已达 5000，可申请升级为「金卡」"
        "（申请费 50.00 元）。欢迎到店或联系导购办理。"
    )
    assert run(api, clock, "send_reminders", "2026-03-04T09:00:00+08:00")["queued"] == {}


def test_online_shop_members_are_told_of_tier_changes(make_api, clock):
    api = make_api("online_shop")
    mid = enroll(api, {"name": "王芳"})
    # 2000.00 in the trailing 365 days → 铜牌 from this receipt on.
    buy(api, mid, "O1", "2026-05-01T10:00:00+08:00", [line(1, "2000.00")])
    assert api.get(f"/members/{mid}").json()["tier"] == "bronze"
    result = run(api, clock, "send_reminders", "2026-05-02T09:00:00+08:00")
    assert result["queued"] == {"tier_changed": 1}
    [m] = messages(api, "tier_changed")
    assert m["body"] == (
        "【商城会员】王芳您好，您的会员等级已由「普通会员」变更为「铜牌会员」，"
        "自 2026-05-01 起生效。"
    )
    assert run(api, clock, "send_reminders", "2026-05-03T09:00:00+08:00")["queued"] == {}
    # Older than tier_change_days (7): not told again, and not told late either.
    assert run(api, clock, "send_reminders", "2026-05-20T09:00:00+08:00")["queued"] == {}
