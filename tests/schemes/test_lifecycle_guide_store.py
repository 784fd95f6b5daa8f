"""guide_store lifecycle (SCHEMES.md §7): tiers by spend in the calendar year (银牌 2000.00,
金牌 10000.00, 钻石 30000.00); each Jan 1 a member whose previous-year spend is below its
tier's threshold drops one tier, one step only; upgrades requested by the member and approved
or refused by a manager; fraud cancels the membership and voids the points.

No discounts here: paid = list. Base 1 point per 1.00, ×1.2 / ×1.5 / ×2 by tier.
"""

from __future__ import annotations

from .lifecycle_kit import (
    assert_history_explains,
    buy,
    enroll,
    history,
    job,
    line,
    member,
    tier,
    tier_moves,
)

JOINED = "2026-01-05T10:00:00+08:00"


def join(api) -> str:
    return enroll(api, birthday="--05-17", joined_at=JOINED)


def test_jan_1_drops_one_step_for_a_short_year(make_api):
    api = make_api("guide_store")
    gold, kept, diamond = join(api), join(api), join(api)
    # 2026: 9999.99 + 0.01 → 金牌 (10000.00); another reaches 钻石 with 30000.00.
    buy(api, gold, "G-1", "2026-03-01T10:00:00+08:00", line(1, "9999.99"))
    r = buy(api, gold, "G-2", "2026-03-02T10:00:00+08:00", line(1, "0.01"))
    assert r["tier_changed"] == {"from": "silver", "to": "gold"}
    buy(api, kept, "K-1", "2026-12-31T23:59:59+08:00", line(1, "10000.00"))
    buy(api, diamond, "D-1", "2026-05-01T10:00:00+08:00", line(1, "30000.00"))
    # A return of 0.01 leaves gold's 2026 spend at 9999.99: below 金牌's 10000.00.
    r = api.post(
        "/purchases/G-2/returns",
        {
            "return_no": "RG-2",
            "occurred_at": "2026-03-03T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert r.status_code == 201
    # Before Jan 1 nothing happens (the last review date, 2026-01-01, predates every tier).
    assert job(api, "evaluate_tiers", "2026-12-31T23:59:59+08:00")["changed"] == 0
    done = job(api, "evaluate_tiers", "2027-01-01T00:00:00+08:00")
    assert (done["changed"], done["kept"]) == (1, 2)
    # 金牌 with 9999.99 → 银牌, though 9999.99 would meet 银牌: one step. 10000.00 kept 金牌
    # (its receipt at 23:59:59 on Dec 31 counts for 2026). 钻石 with 30000.00 kept.
    assert (tier(api, gold), tier(api, kept), tier(api, diamond)) == ("silver", "gold", "diamond")
    assert tier_moves(api, gold)[-1] == (
        "gold",
        "silver",
        "annual_step",
        "2027-01-01T00:00:00+08:00",
    )
    # Any later run in 2027 (daily jobs) changes nothing: the 2027 review is done.
    assert job(api, "evaluate_tiers", "2027-01-01T08:00:00+08:00")["changed"] == 0
    assert job(api, "evaluate_tiers", "2027-07-01T00:00:00+08:00")["changed"] == 0
    # 2027 had no spend: on 2028-01-01 钻石 → 金牌 and 银牌 → 普通, one step each.
    done = job(api, "evaluate_tiers", "2028-01-01T00:00:00+08:00")
    assert done["changed"] == 3
    assert (tier(api, gold), tier(api, kept), tier(api, diamond)) == ("regular", "silver", "gold")
    for mid in (gold, kept, diamond):
        assert_history_explains(api, mid, "regular")


def test_a_tier_won_after_jan_1_waits_for_the_next_review(make_api):
    api = make_api("guide_store")
    mid = join(api)
    buy(api, mid, "W-1", "2027-01-05T10:00:00+08:00", line(1, "2000.00"))
    assert tier(api, mid) == "silver"
    # 2026 had no spend, but 银牌 began on 2027-01-05, after the 2027-01-01 review date.
    assert job(api, "evaluate_tiers", "2027-06-01T00:00:00+08:00")["changed"] == 0
    assert job(api, "evaluate_tiers", "2028-01-01T00:00:00+08:00")["kept"] == 1
    assert tier(api, mid) == "silver"


def test_upgrade_requests_decided_by_a_manager(make_api):
    api = make_api("guide_store")
    mid, other = join(api), join(api)
    at = "2026-04-01T10:00:00+08:00"
    body = {"application_no": "A-1", "tier": "gold", "occurred_at": at, "note": "老顾客申请"}
    r = api.post(f"/members/{mid}/tier-applications", body, role="guide")
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["from_tier"]) == ("pending", "regular")
    assert tier(api, mid) == "regular"  # nothing changes until a manager decides
    # A cashier may not decide; a manager approves and is recorded as the reviewer.
    assert api.post("/tier-applications/A-1/approve", {}, role="cashier").status_code == 403
    r = api.post(
        "/tier-applications/A-1/approve",
        {"occurred_at": "2026-04-02T10:00:00+08:00"},
        role="manager",
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reviewed_by"]) == ("approved", "manager:test-manager")
    assert tier(api, mid) == "gold"
    change = history(api, mid, "tier_changed")[-1]
    assert change["detail"]["reason"] == "application"
    assert change["actor"] == "manager:test-manager"
    # The same decision again answers the same; the other decision is a conflict.
    assert api.post("/tier-applications/A-1/approve", {}).json()["status"] == "approved"
    assert api.post("/tier-applications/A-1/refuse", {}).status_code == 409
    # Refused: the tier stays; asking for the tier already held is refused at once.
    api.post(f"/members/{other}/tier-applications", {**body, "application_no": "A-2"})
    r = api.post("/tier-applications/A-2/refuse", {"note": "消费不足"}, role="manager")
    assert r.json()["status"] == "refused" and r.json()["review_note"] == "消费不足"
    assert tier(api, other) == "regular"
    r = api.post(f"/members/{mid}/tier-applications", {**body, "application_no": "A-3"})
    assert r.status_code == 422 and r.json()["code"] == "not_an_upgrade"
    pending = api.get("/tier-applications", params={"status": "pending"}).json()["items"]
    assert pending == []


def test_fraud_cancels_and_voids_the_points(make_api):
    api = make_api("guide_store")
    mid = join(api)
    r = buy(api, mid, "F-1", "2026-03-01T10:00:00+08:00", line(1, "123.45"))
    assert r["points_earned"] == 123
    r = api.post(
        f"/members/{mid}/cancel",
        {"reason": "fraud", "note": "虚假交易", "occurred_at": "2026-03-02T10:00:00+08:00"},
    )
    assert r.status_code == 200
    assert (member(api, mid)["status"], member(api, mid)["points"]) == ("cancelled", 0)
    status = history(api, mid, "status")[-1]["detail"]
    assert (status["reason"], status["points_voided"], status["note"]) == ("fraud", 123, "虚假交易")
    r = api.post(
        "/purchases/quote",
        {"receipt_no": "F-2", "member_id": mid, "lines": [line(1, "1.00")]},
    )
    assert r.status_code == 403 and r.json()["code"] == "member_cancelled"
