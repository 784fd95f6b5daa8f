"""fashion lifecycle (SCHEMES.md §14): 普通 for a 10.00 fee with name, phone and birthday; paid
upgrade applications granted at once when eligible: 金卡 at 5000 cumulative points for 50.00,
钻石卡 at 10000 for 100.00, 金钻卡 at 30000 for 200.00.

普通 9折 and 1 point per 1.00 paid: a line of L pays L − money(L × 10%), floor(paid) points.
"""

from __future__ import annotations

from .lifecycle_kit import assert_history_explains, buy, enroll, history, line, member, tier

JOINED = "2026-01-05T10:00:00+08:00"
AT = "2026-05-01T10:00:00+08:00"


def join(api, **kw) -> str:
    return enroll(api, birthday="1985-09-09", fee_paid="10.00", joined_at=JOINED, **kw)


def apply(api, mid: str, no: str, tier_code: str, fee: str, at: str = AT):
    body = {"application_no": no, "tier": tier_code, "fee_paid": fee, "occurred_at": at}
    return api.post(f"/members/{mid}/tier-applications", body)


def test_joining_needs_the_fee_and_a_birthday(make_api):
    api = make_api("fashion")
    assert enroll(api, expect=422, birthday="1985-09-09", fee_paid="9.99")["code"] == (
        "join_condition_not_met"
    )
    r = enroll(api, expect=422, fee_paid="10.00")
    assert (r["code"], r["fields"]) == ("missing_fields", ["birthday"])
    join(api)


def test_gold_card_at_5000_points_for_50(make_api):
    api = make_api("fashion")
    mid = join(api)
    # 5554.45 − 555.45 (555.445 half up) = 4999.00 paid → 4999 points.
    r = buy(api, mid, "P-1", "2026-04-01T10:00:00+08:00", line(1, "5554.45", "apparel"))
    assert r["points_earned"] == 4999
    r = apply(api, mid, "APP-1", "gold", "50.00")
    assert r.status_code == 422 and r.json()["code"] == "not_eligible"
    assert r.json()["explain"] == ["cumulative_points 4999 ≥ 5000: no"]
    # 1.12 − 0.11 = 1.01 paid → 1 point: 5000 points ever earned.
    buy(api, mid, "P-2", "2026-04-02T10:00:00+08:00", line(1, "1.12", "apparel"))
    r = apply(api, mid, "APP-2", "gold", "49.99")
    assert r.status_code == 422 and r.json()["code"] == "fee_not_paid"
    r = apply(api, mid, "APP-3", "gold", "50.00")
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["from_tier"], r.json()["tier"]) == (
        "approved",
        "regular",
        "gold",
    )
    assert tier(api, mid) == "gold"
    change = history(api, mid, "tier_changed")[-1]
    assert change["detail"] == {
        "from": "regular",
        "to": "gold",
        "reason": "application",
        "ref": "APP-3",
        "fee_paid": "50.00",
    }
    assert change["occurred_at"] == "2026-05-01T10:00:00+08:00"
    # Resent: the same answer, nothing new; 钻石卡 needs 10000 points.
    assert apply(api, mid, "APP-3", "gold", "50.00").json()["status"] == "approved"
    assert len(history(api, mid, "tier_changed")) == 1
    r = apply(api, mid, "APP-4", "diamond", "100.00")
    assert r.status_code == 422 and r.json()["code"] == "not_eligible"
    # 金卡 earns double from the next purchase: 100.00 − 10.00 = 90.00 × 2 = 180 points.
    assert (
        buy(api, mid, "P-3", "2026-05-02T10:00:00+08:00", line(1, "100.00", "apparel"))[
            "points_earned"
        ]
        == 180
    )
    assert_history_explains(api, mid, "regular")


def test_straight_to_gold_diamond_at_30000(make_api):
    api = make_api("fashion")
    mid = join(api)
    # 33333.34 − 3333.33 = 30000.01 paid → 30000 points: eligible for every card.
    assert (
        buy(api, mid, "Q-1", "2026-04-01T10:00:00+08:00", line(1, "33333.34", "apparel"))[
            "points_earned"
        ]
        == 30000
    )
    # Straight from 普通 to 金钻卡; 199.99 is short of its 200.00 fee.
    assert apply(api, mid, "B-1", "gold_diamond", "199.99").json()["code"] == "fee_not_paid"
    r = apply(api, mid, "B-2", "gold_diamond", "200.00")
    assert r.status_code == 201 and tier(api, mid) == "gold_diamond"
    # Nothing higher to apply for; an unknown tier is refused.
    assert apply(api, mid, "B-3", "diamond", "100.00").json()["code"] == "not_an_upgrade"
    assert apply(api, mid, "B-4", "platinum", "0.00").json()["code"] == "unknown_tier"
    assert apply(api, mid, "B-5", "regular", "0.00").json()["code"] == "application_not_offered"
    items = api.get(f"/members/{mid}/tier-applications").json()["items"]
    assert [a["application_no"] for a in items] == ["B-2"]
    assert member(api, mid)["tier"] == "gold_diamond"
