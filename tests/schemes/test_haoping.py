"""`haoping` — 好苹壹佰 商城会员 (SCHEMES.md §13, seed 003 会员积分管理方案), through the HTTP API.

Hand-worked from SCHEMES.md §13:
- VIP on registration (no discount); by cumulative spend 白银 5000.00 (95折), 黄金 15000.00 (9折),
  白金 30000.00 (88折), 钻石 50000.00 (85折); the qualifying receipt is priced at the old level;
- 1 point per 1.00 paid, rounded down per line; returns claw back exactly.
Pending in the preset (points lottery with 20/30/50/70% win rates, redemption, gifts): see the
preset's `# pending` comments.
"""

from __future__ import annotations

from typing import Any

import pytest

from .kit import buy

CODE = "haoping"
JOINED = "2026-01-05T10:00:00+08:00"


def enroll(api: Any, phone: str) -> str:
    r = api.post("/members", {"name": "陈晨", "phone": phone, "joined_at": JOINED})
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "vip"
    return str(r.json()["member_id"])


def line(no: int, price: str, qty: str = "1") -> dict[str, Any]:
    return {
        "line_no": no,
        "sku": f"H{no:03d}",
        "category": "apple",
        "qty": qty,
        "list_price": price,
    }


def member(api: Any, mid: str) -> dict[str, Any]:
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_levels_and_registration(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["vip", "silver", "gold", "platinum", "diamond"]
    mid = enroll(api, "13600000001")
    m = member(api, mid)
    assert (m["status"], m["tier"], m["points"]) == ("active", "vip", 0)


def test_silver_at_5000_00_not_4999_99(make_api):
    api = make_api(CODE)
    a = enroll(api, "13600000011")
    b = enroll(api, "13600000012")
    at = "2026-03-28T10:15:00+08:00"
    # A: VIP pays 4999.99 in full (no discount) → 4999 points; below 5000.00, stays VIP.
    ra = buy(api, a, "A-1", at, [line(1, "4999.99")])
    assert ra["totals"]["member_discount"] == "0.00"
    assert ra["points_earned"] == 4999
    assert ra["tier_changed"] is None
    # B: 5000.00 → 5000 points; cumulative spend 5000.00 → 白银, this receipt still at VIP.
    rb = buy(api, b, "B-1", at, [line(1, "2500.00", qty="2")])
    assert rb["totals"]["member_discount"] == "0.00"
    assert rb["points_earned"] == 5000
    assert rb["tier_changed"] == {"from": "vip", "to": "silver"}
    # B's next receipt at 白银 95折: 1000.00 − 50.00 = 950.00 → 950 points.
    rb2 = buy(api, b, "B-2", "2026-03-29T10:00:00+08:00", [line(1, "1000.00")])
    assert rb2["totals"]["member_discount"] == "50.00"
    assert rb2["points_earned"] == 950
    assert rb2["balance"] == 5950


@pytest.mark.parametrize(
    ("first", "tier", "off", "points"),
    [
        # 15000.00 → 黄金; then 9折 on 1000.00 = 100.00 off → 900 points.
        ("15000.00", "gold", "100.00", 900),
        # 30000.00 → 白金; then 88折 on 1000.00 = 120.00 off → 880 points.
        ("30000.00", "platinum", "120.00", 880),
        # 50000.00 → 钻石 straight from VIP; then 85折 on 1000.00 = 150.00 off → 850 points.
        ("50000.00", "diamond", "150.00", 850),
    ],
)
def test_each_level_prices_from_the_next_receipt(make_api, first, tier, off, points):
    api = make_api(CODE)
    mid = enroll(api, "13600000021")
    r1 = buy(api, mid, "L-1", "2026-04-01T10:00:00+08:00", [line(1, first)])
    # The qualifying receipt is priced at VIP: no discount, 1 point per 1.00.
    assert r1["totals"]["member_discount"] == "0.00"
    assert r1["points_earned"] == int(first.split(".")[0])
    assert r1["tier_changed"] == {"from": "vip", "to": tier}
    r2 = buy(api, mid, "L-2", "2026-04-02T10:00:00+08:00", [line(1, "1000.00")])
    assert r2["totals"]["member_discount"] == off
    assert r2["points_earned"] == points
    assert r2["tier"] == tier


def test_points_round_down_per_line_and_returns_claw_back(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13600000031")
    # Two lines at VIP: 3 × 33.33 = 99.99 → 99 points; 0.99 → 0 points; 99 in all
    # (per line, not 100.98 → 100 on the receipt).
    r = buy(
        api, mid, "R-1", "2026-05-01T10:00:00+08:00", [line(1, "33.33", qty="3"), line(2, "0.99")]
    )
    assert [li["points"] for li in r["lines"]] == [99, 0]
    assert r["points_earned"] == 99
    # Return 1 of 3 on line 1: floor(99 × 1/3) = 33 back; then the other 2: 99 − 33 = 66 back.
    for n, (qty, back, left) in enumerate([("1", 33, 66), ("2", 66, 0)]):
        ret = api.post(
            "/purchases/R-1/returns",
            {
                "return_no": f"R-1-R{n}",
                "occurred_at": "2026-05-02T10:00:00+08:00",
                "lines": [{"line_no": 1, "qty": qty}],
            },
        )
        assert ret.status_code == 201, ret.text
        assert (ret.json()["points_reversed"], ret.json()["balance"]) == (back, left)


def test_silver_reached_across_receipts_net_of_returns(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13600000041")
    # 2 × 2000.00 = 4000.00 at VIP → 4000 points; returning one leaves 2000.00 of spend.
    buy(api, mid, "C-1", "2026-06-01T10:00:00+08:00", [line(1, "2000.00", qty="2")])
    ret = api.post(
        "/purchases/C-1/returns",
        {
            "return_no": "C-1-R",
            "occurred_at": "2026-06-02T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert ret.status_code == 201, ret.text
    assert ret.json()["points_reversed"] == 2000
    # 2000.00 + 2999.99 = 4999.99: still VIP (without the return it would be 6999.99).
    r = buy(api, mid, "C-2", "2026-06-03T10:00:00+08:00", [line(1, "2999.99")])
    assert r["tier_changed"] is None
    # One fen more: 5000.00 → 白银 on this receipt, priced at VIP (0.01 paid, 0 points).
    r = buy(api, mid, "C-3", "2026-06-04T10:00:00+08:00", [line(1, "0.01")])
    assert (r["totals"]["paid"], r["points_earned"]) == ("0.01", 0)
    assert r["tier_changed"] == {"from": "vip", "to": "silver"}
    # Next receipt at 95折: 1000.00 → 950.00 → 950 points; balance 2000 + 2999 + 950 = 5949.
    r = buy(api, mid, "C-4", "2026-06-05T10:00:00+08:00", [line(1, "1000.00")])
    assert r["totals"]["member_discount"] == "50.00"
    assert r["points_earned"] == 950
    assert r["balance"] == 5949


def test_a_receipt_entered_late_counts_every_receipt_on_record(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13600000051")
    r = buy(api, mid, "L-2", "2026-06-10T10:00:00+08:00", [line(1, "4000.00")])
    assert r["tier_changed"] is None
    # Dated a week before the receipt already recorded (an offline till syncing late): the
    # spend on record is 1000.00 + 4000.00 = 5000.00 → 白银 on this receipt, though only
    # 1000.00 is dated up to it. A review as of 2026-06-01 would count 1000.00 alone.
    r = buy(api, mid, "L-1", "2026-06-01T10:00:00+08:00", [line(1, "1000.00")])
    assert r["tier_changed"] == {"from": "vip", "to": "silver"}
