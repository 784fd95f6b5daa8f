"""`apparel` — 靓诺 VIP客户发展战略 (SCHEMES.md §16, seed 004), via the HTTP API.

Configured: registration (one tier, 登记客户) with an optional guide, and the customer classes by
spend in the 365 days before the classification moment — A ≥ 3000.00, B 2000.00–2999.99,
C 1000.00–1999.99, D < 1000.00 — set by the classify_customers job (not by receipts).
Pending (see the preset): the classify_customers job itself and the service plan's dated tasks
(issue 7), sales credited to guides and the commission split (issue 8), the monthly VIP report
per guide (issue 7). The seed has no points and no discounts.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from huiyuan.presets.loader import load_preset

CODE = "apparel"
JOINED = "2026-01-05T10:00:00+08:00"
NOTE_NO_POINTS = "该商品不在积分范围内 / this item earns no points"


def test_registration_with_a_guide(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["registered"]
    classes = program["config"]["classes"]
    assert (classes["metric"], classes["days"], classes["on_receipt"]) == (
        "window_spend",
        365,
        False,
    )
    r = api.post(
        "/members",
        {"name": "孙丽", "phone": "13000000001", "guide_id": "G-07", "joined_at": JOINED},
    )
    assert r.status_code == 201, r.text
    m = api.get(f"/members/{r.json()['member_id']}").json()
    assert (m["tier"], m["guide_id"], m["customer_class"]) == ("registered", "G-07", None)


def test_purchases_are_recorded_without_points_or_discount(make_api):
    api = make_api(CODE)
    r = api.post("/members", {"name": "孙丽", "phone": "13000000011", "joined_at": JOINED})
    mid = r.json()["member_id"]
    lines = [
        {"line_no": 1, "sku": "DRESS", "category": "apparel", "qty": "3", "list_price": "1000.00"}
    ]
    body = {
        "receipt_no": "L-1",
        "member_id": mid,
        "occurred_at": "2026-03-28T10:15:00+08:00",
        "lines": lines,
    }
    q = api.post("/purchases/quote", body)
    answer = api.post("/purchases", body)
    assert answer.status_code == 201, answer.text
    assert answer.json() == q.json()
    # 3 × 1000.00 = 3000.00 paid in full; no points (said on the line).
    assert answer.json()["totals"]["paid"] == "3000.00"
    assert answer.json()["points_earned"] == 0
    assert answer.json()["lines"][0]["notes"] == [NOTE_NO_POINTS]
    # Classes come from the job, not from receipts: 3000.00 in the window does not class the
    # member yet (the job is pending).
    assert api.get(f"/members/{mid}").json()["customer_class"] is None


@pytest.mark.parametrize(
    ("spend", "cls"),
    [
        ("3000.00", "A"),
        ("2999.99", "B"),
        ("2000.00", "B"),
        ("1999.99", "C"),
        ("1000.00", "C"),
        ("999.99", "D"),
        ("0.00", "D"),
    ],
)
def test_class_bands(spend, cls):
    # The bands the classify_customers job will apply (pure: no database needed).
    classes = load_preset(CODE).classes
    assert classes is not None
    assert classes.band_for(Decimal(spend)) == cls
