"""store_basic lifecycle (SCHEMES.md §4): a year of membership, full price with a note when
lapsed, renewal (a new year from that moment, starting as 普通), VIP by spend in the current
membership year, and cancellation for lending the card.

Prices: 普通 9折 → a line of L pays L − money(L × 10%); L = 5555.56 pays 5000.00 (555.556 →
555.56 off), L = 5555.54 pays 4999.99 (555.554 → 555.55 off).
"""

from __future__ import annotations

from .lifecycle_kit import (
    assert_history_explains,
    buy,
    enroll,
    history,
    line,
    member,
    tier,
    tier_moves,
)

JOINED = "2026-01-05T10:00:00+08:00"
LAPSED = "会员资格已过期，按原价结算，请续会 / membership has lapsed: full price; please renew"


def test_a_year_then_full_price_until_renewed(make_api):
    api = make_api("store_basic")
    mid = enroll(api, joined_at=JOINED)
    # Joined 2026-01-05 → valid through 2027-01-04.
    assert member(api, mid)["valid_until"] == "2027-01-04"
    r = buy(api, mid, "B-1", "2027-01-04T23:59:00+08:00", line(1, "100.00"))
    assert r["totals"]["paid"] == "90.00"  # the last day: still 9折
    r = buy(api, mid, "B-2", "2027-01-05T00:00:00+08:00", line(1, "100.00"))
    assert r["totals"]["paid"] == "100.00"  # lapsed: full price, with the note
    assert r["lines"][0]["notes"] == [LAPSED]
    # Renewing on 2027-03-01 → valid through 2028-02-29 (a leap year's last February day).
    r = api.post(
        f"/members/{mid}/renew", {"occurred_at": "2027-03-01T10:00:00+08:00", "fee_paid": "0.00"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["valid_until"], r.json()["tier"]) == ("2028-02-29", "regular")
    # The same renewal again changes nothing.
    api.post(
        f"/members/{mid}/renew", {"occurred_at": "2027-03-01T10:00:00+08:00", "fee_paid": "0.00"}
    )
    assert len(history(api, mid, "renewed")) == 1
    r = buy(api, mid, "B-3", "2028-02-29T12:00:00+08:00", line(1, "100.00"))
    assert r["totals"]["paid"] == "90.00"
    r = buy(api, mid, "B-4", "2028-03-01T00:00:00+08:00", line(1, "100.00"))
    assert r["totals"]["paid"] == "100.00"


def test_vip_at_5000_in_the_membership_year_and_renewal_starts_as_normal(make_api):
    api = make_api("store_basic")
    mid = enroll(api, joined_at=JOINED)
    # 4999.99 paid in the year: still 普通; 0.01 more (a 0.01 line: 0.001 → 0.00 off) → VIP.
    r = buy(api, mid, "V-1", "2026-06-01T10:00:00+08:00", line(1, "5555.54"))
    assert (r["totals"]["paid"], r["tier_changed"]) == ("4999.99", None)
    r = buy(api, mid, "V-2", "2026-06-02T10:00:00+08:00", line(1, "0.01"))
    assert r["totals"]["paid"] == "0.01"
    assert r["tier_changed"] == {"from": "regular", "to": "vip"}
    # VIP 8.5折 from the next receipt: 100.00 → 85.00.
    assert (
        buy(api, mid, "V-3", "2026-06-03T10:00:00+08:00", line(1, "100.00"))["totals"]["paid"]
        == "85.00"
    )
    # Lapsed on 2027-01-05: a 6000.00 purchase at full price counts for no membership year.
    r = buy(api, mid, "V-4", "2027-02-01T10:00:00+08:00", line(1, "6000.00"))
    assert (r["totals"]["paid"], r["tier_changed"]) == ("6000.00", None)
    # Renewed 2027-02-02 → back to 普通, valid through 2028-02-01.
    r = api.post(f"/members/{mid}/renew", {"occurred_at": "2027-02-02T09:00:00+08:00"}).json()
    assert (r["tier"], r["valid_until"]) == ("regular", "2028-02-01")
    # The new year counts from the renewal: 4999.99 → 普通; 5000.00 in total → VIP.
    r = buy(api, mid, "V-5", "2027-02-02T10:00:00+08:00", line(1, "5555.54"))
    assert r["tier_changed"] is None
    r = buy(api, mid, "V-6", "2027-02-03T10:00:00+08:00", line(1, "0.01"))
    assert r["tier_changed"] == {"from": "regular", "to": "vip"}
    assert [m[:3] for m in tier_moves(api, mid)] == [
        ("regular", "vip", "purchase"),
        ("vip", "regular", "renewal"),
        ("regular", "vip", "purchase"),
    ]
    assert_history_explains(api, mid, "regular")


def test_renewal_only_where_membership_lapses(make_api):
    api = make_api("online_shop")
    mid = enroll(api)
    r = api.post(f"/members/{mid}/renew", {})
    assert r.status_code == 422 and r.json()["code"] == "renewal_not_offered"


def test_lending_the_card_cancels_the_membership(make_api):
    api = make_api("store_basic")
    mid = enroll(api, joined_at=JOINED)
    r = api.post(
        f"/members/{mid}/cancel",
        {"reason": "card_lending", "occurred_at": "2026-02-01T10:00:00+08:00"},
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert history(api, mid, "status")[0]["detail"]["reason"] == "card_lending"
    r = api.post(
        "/purchases",
        {
            "receipt_no": "X-1",
            "member_id": mid,
            "occurred_at": "2026-02-02T10:00:00+08:00",
            "lines": [line(1, "10.00")],
        },
    )
    assert r.status_code == 403 and r.json()["code"] == "member_cancelled"
    assert api.post(f"/members/{mid}/renew", {}).status_code == 403
    assert tier(api, mid) == "regular"
