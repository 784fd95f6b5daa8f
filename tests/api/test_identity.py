"""Manual point adjustments, store-bound memberships (vip_points), member data that only a
manager may change (jewelry), and cancelled cards."""

from __future__ import annotations

from typing import Any

JOINED = "2026-01-05T10:00:00+08:00"
SOLD = "2026-03-28T10:15:00+08:00"


def _line(list_price: str = "1000.00", category: str = "food") -> dict[str, Any]:
    return {"line_no": 1, "sku": "A1", "category": category, "qty": "1", "list_price": list_price}


def test_manual_adjustments_are_ledger_entries_by_a_manager(make_api):
    api = make_api("vip_points")
    mid = api.post("/members", {"name": "陈静", "phone": "13800138000", "joined_at": JOINED})
    mid = mid.json()["member_id"]
    body = {"adjustment_no": "ADJ-1", "points": 120, "reason": "补录小票", "occurred_at": SOLD}
    r = api.post(f"/members/{mid}/adjustments", body, role="manager")
    assert r.status_code == 201, r.text
    assert r.json() == {"adjustment_no": "ADJ-1", "member_id": mid, "points": 120, "balance": 120}
    assert api.post(f"/members/{mid}/adjustments", body, role="manager").json() == r.json()
    r2 = api.post(f"/members/{mid}/adjustments", {**body, "points": 121}, role="manager")
    assert r2.status_code == 409
    out = {"adjustment_no": "ADJ-2", "points": -200, "reason": "多记", "occurred_at": SOLD}
    r = api.post(f"/members/{mid}/adjustments", out, role="manager")
    assert (r.status_code, r.json()["code"]) == (422, "insufficient_points")
    r = api.post(f"/members/{mid}/adjustments", {**out, "points": -20}, role="manager")
    assert r.json()["balance"] == 100
    r = api.post(f"/members/{mid}/adjustments", {**out, "adjustment_no": "ADJ-3", "points": 0})
    assert r.status_code == 422
    kinds = [(e["kind"], e["points"]) for e in api.get(f"/members/{mid}/ledger").json()["items"]]
    assert kinds == [("adjust_out", -20), ("adjust_in", 120)]
    audited = api.get("/audit", role="auditor", params={"action": "points."}).json()["items"]
    assert [(a["ref"], a["detail"]["points"], a["actor"]) for a in audited] == [
        ("ADJ-2", -20, "manager:test-manager"),
        ("ADJ-1", 120, "manager:test-manager"),
    ]


def test_a_store_bound_membership_is_refused_at_another_store(make_api):
    api = make_api("vip_points")
    r = api.post(
        "/members", {"name": "陈静", "phone": "13800138000", "store": "S01", "joined_at": JOINED}
    )
    mid = r.json()["member_id"]
    body = {"receipt_no": "R1", "member_id": mid, "occurred_at": SOLD, "lines": [_line()]}
    for path in ("/purchases/quote", "/purchases"):
        r = api.post(path, {**body, "store": "S02"})
        assert (r.status_code, r.json()["code"]) == (403, "other_store"), r.text
        assert r.json()["member_store"] == "S01"
    r = api.post("/purchases", {**body, "store": "S01"})
    assert r.status_code == 201, r.text
    redeem = {"redemption_no": "X1", "member_id": mid, "reward": "gift", "occurred_at": SOLD}
    r = api.post("/redemptions", {**redeem, "store": "S02"})
    assert (r.status_code, r.json()["code"]) == (403, "other_store")
    r = api.post("/redemptions", {**redeem, "store": "S01"})
    assert r.json()["code"] != "other_store"
    # Not store-bound: any store.
    other = make_api("online_shop")
    r = other.post(
        "/members", {"name": "陈静", "phone": "13800138000", "store": "S01", "joined_at": JOINED}
    )
    oid = r.json()["member_id"]
    r = other.post("/purchases", {**body, "member_id": oid, "store": "S02"})
    assert r.status_code == 201, r.text


def test_jewelry_member_data_changes_need_a_manager(make_api):
    api = make_api("jewelry")
    r = api.post(
        "/members",
        {
            "name": "李静",
            "phone": "13800138000",
            "id_number": "11010519491231002X",
            "joined_at": JOINED,
        },
    )
    mid = r.json()["member_id"]
    r = api.patch(f"/members/{mid}", {"phone": "13900139000"}, role="cashier")
    assert (r.status_code, r.json()["code"]) == (403, "data_change_needs_role")
    assert api.get(f"/members/{mid}").json()["phone"] == "138****8000"
    r = api.patch(f"/members/{mid}", {"phone": "13900139000"}, role="manager")
    assert r.status_code == 200, r.text
    assert r.json()["phone"] == "139****9000"
    r = api.patch(f"/members/{mid}", {"id_number": None}, role="manager")
    assert (r.status_code, r.json()["code"]) == (422, "missing_fields")
    entries = api.get("/audit", role="auditor", params={"action": "member.profile_changed"})
    (entry,) = entries.json()["items"]
    assert entry["actor"] == "manager:test-manager"
    assert entry["detail"]["changes"] == {"phone": {"from": "138****8000", "to": "139****9000"}}
    # Elsewhere a cashier may correct a member's data.
    other = make_api("counter")
    r = other.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13700137000",
            "id_number": "11010519491231002X",
            "address": "北京市朝阳区",
            "joined_at": JOINED,
        },
    )
    r = other.patch(f"/members/{r.json()['member_id']}", {"address": "上海市"}, role="cashier")
    assert r.status_code == 200, r.text


def test_a_cancelled_card_is_refused_at_the_till(make_api):
    api = make_api("supermarket")
    r = api.post(
        "/members",
        {
            "name": "王芳",
            "phone": "13800138000",
            "id_number": "11010519491231002X",
            "fee_paid": "5.00",
            "joined_at": JOINED,
        },
    )
    mid, card = r.json()["member_id"], r.json()["card_no"]
    assert api.post(f"/members/{mid}/activate", {"occurred_at": JOINED}).status_code == 200
    r = api.post(f"/cards/{card}/cancel", {"reason": "转借他人"}, role="manager")
    assert r.json() == {"card_no": card, "status": "cancelled"}
    body = {"receipt_no": "R1", "card_no": card, "occurred_at": SOLD, "lines": [_line()]}
    r = api.post("/purchases", body)
    assert (r.status_code, r.json()["code"]) == (403, "card_inactive")
    assert api.get(f"/cards/{card}", role="guide").json()["status"] == "cancelled"
