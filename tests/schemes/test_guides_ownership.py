"""Guides (导购): ownership lapses after 2 calendar months, the pool is dealt out evenly and at
random, never back to a former owner; commission and the monthly report (SCHEMES.md §7, §16)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from huiyuan.jobs import run_job
from huiyuan.presets.loader import parse_program_text
from huiyuan.services import checkout, guides, members, programs, returns
from huiyuan.services.inputs import GuideIn, MemberIn, PurchaseIn, ReturnIn

SH = ZoneInfo("Asia/Shanghai")

PROGRAM = """
code = "guidetest"
name = "导购测试"
name_en = "Guide test"
[[tiers]]
code = "regular"
name = "普通"
name_en = "Regular"
[earning]
rules = [{ kind = "per_amount", per = "1.00" }]
[guides]
ownership_months = 2
commission_rate = "0.03"
made_to_measure_flag = "made_to_measure"
made_to_measure_guide_share = "0.6"
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def program(ctx):
    programs.load(ctx, parse_program_text(PROGRAM), None, "test", replace=False)
    return "guidetest"


def add_guides(ctx, program, ids, active=True):
    for gid in ids:
        guides.upsert_guide(
            ctx, program, GuideIn(guide_id=gid, name=f"导购{gid}", store="S01", active=active)
        )


def enroll(ctx, program, n, guide, joined="2026-01-05T10:00:00"):
    out = []
    for i in range(n):
        data = MemberIn(name=f"会员{i}", phone=f"139{i:08d}", guide_id=guide, joined_at=at(joined))
        out.append(members.enroll(ctx, program, data)["member_id"])
    return out


def counts(result):
    return sorted(result["per_guide"].values())


def test_200_reclaimed_members_to_10_guides_is_20_each(ctx, program):
    add_guides(ctx, program, ["old"])
    enroll(ctx, program, 200, "old")
    add_guides(ctx, program, ["old"], active=False)
    add_guides(ctx, program, [f"g{i}" for i in range(10)])
    # Opened 2026-01-05; 2 calendar months → the ownership lapses on 2026-03-05.
    early = run_job(ctx, program, "reclaim_members", at("2026-03-04T23:00:00"))
    assert early["reclaimed"] == 0 and early["dealt"] == 0
    result = run_job(ctx, program, "reclaim_members", at("2026-03-05T02:00:00"))
    assert result["reclaimed"] == 200
    # 200 / 10 = 20 each, no remainder.
    assert counts(result) == [20] * 10
    assert result["left_in_pool"] == []
    again = run_job(ctx, program, "reclaim_members", at("2026-03-05T02:00:00"))
    assert again["repeated"] is True and again["dealt"] == 200


def test_203_members_to_10_guides_is_21_for_three_and_20_for_seven(ctx, program):
    add_guides(ctx, program, ["old"])
    enroll(ctx, program, 203, "old")
    add_guides(ctx, program, ["old"], active=False)
    add_guides(ctx, program, [f"g{i}" for i in range(10)])
    result = run_job(ctx, program, "reclaim_members", at("2026-03-05T02:00:00"))
    # 203 = 10 × 20 + 3: three guides get one more.
    assert counts(result) == [20] * 7 + [21] * 3
    # Reproducible: the same seed deals the same way.
    assert result["seed"]


def test_a_purchase_extends_ownership_two_months_from_the_purchase(ctx, program):
    add_guides(ctx, program, ["a", "b"])
    [member] = enroll(ctx, program, 1, "a")
    line = {"line_no": 1, "sku": "x", "qty": "1", "list_price": "10.00"}
    checkout.commit(
        ctx,
        program,
        PurchaseIn(
            receipt_no="R1", member_id=member, occurred_at=at("2026-02-10T12:00:00"), lines=[line]
        ),
    )
    # Purchase 2026-02-10 → the clock now lapses on 2026-04-10, not 2026-03-05.
    assert run_job(ctx, program, "reclaim_members", at("2026-04-09T12:00:00"))["reclaimed"] == 0
    result = run_job(ctx, program, "reclaim_members", at("2026-04-10T12:00:00"))
    assert result["reclaimed"] == 1
    # Never back to the former owner "a": it goes to "b".
    assert result["per_guide"] == {"a": 0, "b": 1}


def test_only_former_owners_left_keeps_the_member_in_the_pool(ctx, program):
    add_guides(ctx, program, ["a", "b"])
    [member] = enroll(ctx, program, 1, "a")
    first = run_job(ctx, program, "reclaim_members", at("2026-03-05T12:00:00"))
    assert first["per_guide"] == {"a": 0, "b": 1}
    # Dealt to b on 2026-03-05 → lapses 2026-05-05; both a and b have held it.
    second = run_job(ctx, program, "reclaim_members", at("2026-05-05T12:00:00"))
    assert second["reclaimed"] == 1 and second["dealt"] == 0
    assert second["left_in_pool"] == [member]
    assert second["left_in_pool_reason"]
    history = guides.ownership_history(ctx, program, member)["items"]
    assert [(h["from"], h["to"], h["reason"]) for h in history] == [
        (None, "a", "opened"),
        ("a", None, "reclaimed"),
        (None, "b", "dealt"),
        ("b", None, "reclaimed"),
    ]


def test_commission_and_monthly_report(ctx, program):
    add_guides(ctx, program, ["g"])
    [member] = enroll(ctx, program, 1, "g")
    regular = {"line_no": 1, "sku": "suit", "qty": "1", "list_price": "1000.00"}
    mtm = {
        "line_no": 1,
        "sku": "tailor",
        "qty": "1",
        "list_price": "2000.00",
        "flags": ["made_to_measure"],
    }
    checkout.commit(
        ctx,
        program,
        PurchaseIn(
            receipt_no="R1",
            member_id=member,
            occurred_at=at("2026-03-03T12:00:00"),
            lines=[regular],
        ),
    )
    checkout.commit(
        ctx,
        program,
        PurchaseIn(
            receipt_no="R2", member_id=member, occurred_at=at("2026-03-10T12:00:00"), lines=[mtm]
        ),
    )
    checkout.commit(
        ctx,
        program,
        PurchaseIn(
            receipt_no="R3",
            member_id=member,
            occurred_at=at("2026-04-01T00:00:00"),
            lines=[regular],
        ),
    )
    report = guides.monthly_report(ctx, program, "2026-03", "guide")
    [row] = report["items"]
    # March: 1000.00 + 2000.00 = 3000.00 of sales (R3 is April).
    assert row["sales"] == "3000.00" and row["receipts"] == 2
    # Base: 1000.00 regular + 60% of 2000.00 made to measure = 2200.00; 3% → 66.00.
    assert row["commission_base"] == "2200.00"
    assert row["commission"] == "66.00"
    # The company keeps 40% of the made-to-measure sale: 800.00.
    assert row["company_share_made_to_measure"] == "800.00"
    assert row["new_members"] == 0  # joined in January
    assert row["active_members"] == 1
    # 1000 + 2000 points at 1 per 1.00.
    assert row["points_issued"] == 3000
    returns.return_lines(
        ctx,
        program,
        "R1",
        ReturnIn(
            return_no="X1",
            occurred_at=at("2026-03-20T12:00:00"),
            lines=[{"line_no": 1, "qty": "1"}],
        ),
    )
    [row] = guides.monthly_report(ctx, program, "2026-03", "guide")["items"]
    # R1 fully returned: sales 2000.00, base 0 + 1200.00, commission 36.00.
    assert row["sales"] == "2000.00"
    assert row["commission"] == "36.00"
    assert Decimal(row["commission"]) == Decimal("1200.00") * Decimal("0.03")


def test_guides_over_http_and_their_members(make_api):
    api = make_api("guide_store")
    made = api.post("/guides", {"guide_id": "G01", "name": "李娜", "store": "S01", "active": True})
    assert made.status_code == 201 and made.json()["guide_id"] == "G01"
    # The same id again updates it (API.md), also with 201.
    again = api.post("/guides", {"guide_id": "G01", "name": "李娜", "store": "S02", "active": True})
    assert again.status_code == 201 and again.json()["store"] == "S02"
    member = api.post(
        "/members",
        {
            "name": "周杰",
            "phone": "13600136000",
            "birthday": "--05-17",
            "guide_id": "G01",
            "joined_at": "2026-01-05T10:00:00+08:00",
        },
    )
    assert member.status_code == 201, member.text
    listed = api.get("/guides/G01/members").json()["items"]
    assert [m["member_id"] for m in listed] == [member.json()["member_id"]]
    assert api.get("/guides/NOBODY/members").status_code == 404


def test_every_guide_route_answers_its_documented_shape(ctx, program, make_api, clock):
    """Each route's answer goes through its response model (an undeclared field is a 500)."""
    from tests.conftest import Api

    api = Api(make_api("guide_store").client, ctx, program)
    clock.now = at("2026-03-20T12:00:00")
    assert api.post("/guides", {"guide_id": "g", "name": "李娜", "store": "S01"}).status_code == 201
    joined = "2026-01-05T10:00:00+08:00"
    body = {"name": "周杰", "phone": "13600136000", "guide_id": "g", "joined_at": joined}
    member = api.post("/members", body).json()["member_id"]
    line = {"line_no": 1, "sku": "suit", "qty": "1", "list_price": "1000.00"}
    sale = {"receipt_no": "R1", "member_id": member, "lines": [line]}
    assert api.post("/purchases", {**sale, "occurred_at": "2026-03-03T12:00:00+08:00"}).is_success

    said = {"feedback_no": "FB1", "text": "袖长不合适", "complaint": True}
    taken = api.post(f"/members/{member}/feedback", said)
    assert taken.status_code == 201, taken.text
    assert taken.json() == {
        "feedback_no": "FB1",
        "guide_id": "g",
        "due_at": "2026-03-21T12:00:00+08:00",  # within the program's 24 hours
    }
    assert api.post(f"/members/{member}/feedback", said).json() == taken.json()  # a resend
    reused = api.post(f"/members/{member}/feedback", {**said, "text": "另一件事"})
    assert (reused.status_code, reused.json()["code"]) == (409, "number_reused")

    [task] = api.get("/guides/g/tasks").json()["items"]
    assert (task["kind"], task["status"], task["overdue"]) == ("complaint", "open", False)
    assert api.get("/guides/g/tasks", params={"status": "overdue"}).json()["items"] == []
    done = api.post(f"/tasks/{task['task_id']}/complete", {"note": "已改"})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["note"]) == ("done", "已改")
    again = api.post(f"/tasks/{task['task_id']}/complete", {})
    assert (again.status_code, again.json()["code"]) == (422, "task_done")

    [opened] = api.get(f"/members/{member}/ownership").json()["items"]
    assert (opened["from"], opened["to"], opened["reason"]) == (None, "g", "opened")

    by_guide = api.get("/reports/vip-monthly", params={"month": "2026-03"})
    assert by_guide.status_code == 200, by_guide.text
    [row] = by_guide.json()["items"]
    assert (row["guide"], row["sales"], row["commission"], row["tasks_done"]) == (
        "g",
        "1000.00",
        "30.00",
        1,
    )
    by_store = api.get("/reports/vip-monthly", params={"month": "2026-03", "by": "store"})
    assert by_store.status_code == 200, by_store.text
    [row] = by_store.json()["items"]
    assert row["store"] == "-" and "commission" not in row  # the receipt names no store

    ran = api.post("/jobs/reclaim_members", {"as_of": "2026-06-01T02:00:00+08:00"})
    assert ran.status_code == 200, ran.text
    assert (ran.json()["reclaimed"], ran.json()["left_in_pool"]) == (1, [member])
