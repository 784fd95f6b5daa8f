"""private_bank lifecycle (SCHEMES.md §17): levels by shares held (the member attribute
`shares`: 白银 ≥ 500, 黄金 ≥ 1000, 铂金 ≥ 2000) or cumulative spend (> 100000.00 / 500000.00 /
1000000.00). Shares are set with PATCH /members/{id}, effective at its occurred_at and recorded
with who changed them; evaluate_tiers uses the value in effect at its as_of, up or down."""

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


def shares(api, mid: str, n: int | None, at: str, role: str = "manager"):
    return api.patch(f"/members/{mid}", {"attributes": {"shares": n}, "occurred_at": at}, role=role)


def test_levels_follow_the_shares_in_effect(make_api):
    api = make_api("private_bank")
    mid = enroll(api)
    r = shares(api, mid, 1500, "2026-03-01T00:00:00+08:00")
    assert r.status_code == 200, r.text
    assert r.json()["attributes"] == {"shares": 1500}
    change = history(api, mid, "attributes")[0]
    assert change["detail"] == {"changes": {"shares": {"from": None, "to": 1500}}}
    assert change["actor"] == "manager:test-manager"
    assert change["occurred_at"] == "2026-03-01T00:00:00+08:00"
    # The day before the shares take effect: still 普通客户; from 2026-03-01: 1500 ≥ 1000 → 黄金.
    assert job(api, "evaluate_tiers", "2026-02-28T23:59:59+08:00")["changed"] == 0
    assert job(api, "evaluate_tiers", "2026-03-01T00:00:00+08:00")["changed"] == 1
    assert tier(api, mid) == "gold"
    d = history(api, mid, "tier_changed")[-1]["detail"]
    assert (d["reason"], d["metrics"]["attribute shares"]) == ("review", "1500")
    assert job(api, "evaluate_tiers", "2026-03-01T00:00:00+08:00")["repeated"] is True
    assert job(api, "evaluate_tiers", "2026-03-02T00:00:00+08:00")["changed"] == 0
    # Sold down to 999, effective 2026-06-01: 黄金 until then, 白银 from then.
    shares(api, mid, 999, "2026-06-01T00:00:00+08:00")
    assert member(api, mid)["attributes"] == {"shares": 999}
    assert job(api, "evaluate_tiers", "2026-05-31T00:00:00+08:00")["changed"] == 0
    assert job(api, "evaluate_tiers", "2026-06-01T00:00:00+08:00")["changed"] == 1
    assert tier(api, mid) == "silver"
    # 499 → 普通客户; 500 → 白银; 2000 → 铂金 (skipping 黄金).
    shares(api, mid, 499, "2026-07-01T00:00:00+08:00")
    job(api, "evaluate_tiers", "2026-07-01T00:00:00+08:00")
    assert tier(api, mid) == "client"
    shares(api, mid, 500, "2026-08-01T00:00:00+08:00")
    job(api, "evaluate_tiers", "2026-08-01T00:00:00+08:00")
    assert tier(api, mid) == "silver"
    shares(api, mid, 2000, "2026-09-01T00:00:00+08:00")
    job(api, "evaluate_tiers", "2026-09-01T00:00:00+08:00")
    assert [m[:2] for m in tier_moves(api, mid)] == [
        ("client", "gold"),
        ("gold", "silver"),
        ("silver", "client"),
        ("client", "silver"),
        ("silver", "platinum"),
    ]
    assert_history_explains(api, mid, "client")


def test_spend_keeps_a_level_the_shares_no_longer_give(make_api):
    api = make_api("private_bank")
    mid = enroll(api)
    # 100000.00 is not more than 100000.00; 0.01 more is.
    assert (
        buy(api, mid, "S-1", "2026-02-01T10:00:00+08:00", line(1, "100000.00"))["tier_changed"]
        is None
    )
    r = buy(api, mid, "S-2", "2026-02-02T10:00:00+08:00", line(1, "0.01"))
    assert r["tier_changed"] == {"from": "client", "to": "silver"}
    shares(api, mid, 1000, "2026-03-01T00:00:00+08:00")
    job(api, "evaluate_tiers", "2026-03-01T00:00:00+08:00")
    assert tier(api, mid) == "gold"
    # All shares sold: the spend (100000.01) still holds 白银.
    shares(api, mid, None, "2026-04-01T00:00:00+08:00")
    assert member(api, mid)["attributes"] == {}
    job(api, "evaluate_tiers", "2026-04-01T00:00:00+08:00")
    assert tier(api, mid) == "silver"


def test_only_a_manager_changes_attributes(make_api):
    api = make_api("private_bank")
    mid = enroll(api)
    r = shares(api, mid, 5000, "2026-03-01T00:00:00+08:00", role="cashier")
    assert r.status_code == 403
    # Staff who enrol may change profile fields; the change is recorded with who made it.
    r = api.patch(f"/members/{mid}", {"name": "王芳芳"}, role="cashier")
    assert r.status_code == 200, r.text
    assert history(api, mid, "profile")[0]["actor"] == "cashier:test-cashier"
    r = api.patch(f"/members/{mid}", {"attributes": {"Shares!": 1}})
    assert r.status_code == 422
