"""`wushang` — 武商量贩 会员分类 (SCHEMES.md §10, seed 003 客户关系管理分级), through the HTTP API.

Hand-worked from SCHEMES.md §10:
- 1 point per 1.00 paid, rounded down per line; points clear at the end of Dec 31;
- join for a 2.00 fee (普通会员); 会员VIP at cumulative spend 3000.00;
- classes by this year's points, overall and per category, kept up to date by every receipt:
  A < 1000, B 1000–2999, C 3000–4999, D ≥ 5000; a line is discounted by the member's class in its
  category when the receipt starts: A 9.5折, B 9折, C 8.8折, D 8折; classes reset with the year.
Pending in the preset (gift redemption, lottery, the Jan-1 reset of the stored overall class
without a receipt): see the preset's `# pending` comments.
"""

from __future__ import annotations

from typing import Any

from .kit import buy

CODE = "wushang"
JOINED = "2026-01-05T10:00:00+08:00"


def enroll(api: Any, phone: str, fee: str = "2.00") -> str:
    body = {"name": "张伟", "phone": phone, "fee_paid": fee, "joined_at": JOINED}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    return str(r.json()["member_id"])


def line(no: int, category: str, price: str, qty: str = "1") -> dict[str, Any]:
    return {
        "line_no": no,
        "sku": f"W{no:03d}",
        "category": category,
        "qty": qty,
        "list_price": price,
    }


def member(api: Any, mid: str) -> dict[str, Any]:
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def by_line(answer: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {li["line_no"]: li for li in answer["lines"]}


def test_join_for_the_2_yuan_fee(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["regular", "vip"]
    r = api.post("/members", {"name": "张伟", "phone": "13700000001", "fee_paid": "1.99"})
    assert r.status_code == 422
    assert r.json()["code"] == "join_condition_not_met"
    mid = enroll(api, "13700000001")
    m = member(api, mid)
    assert (m["status"], m["tier"], m["points"]) == ("active", "regular", 0)


def test_category_class_boundary_999_vs_1000_points(make_api):
    api = make_api(CODE)
    p = enroll(api, "13700000011")
    q = enroll(api, "13700000012")
    at = "2026-03-28T10:15:00+08:00"
    # P: class A 9.5折 on food 1052.63: 52.6315 → 52.63 off; 1000.00 paid → 1000 points:
    # food (and overall) class B from the next receipt; this one was priced at A.
    rp = buy(api, p, "P-1", at, [line(1, "food", "1052.63")])
    assert rp["lines"][0]["member_discount"] == "52.63"
    assert rp["lines"][0]["paid"] == "1000.00"
    assert rp["points_earned"] == 1000
    assert member(api, p)["customer_class"] == "B"
    # Q: food 1052.62: 52.631 → 52.63 off; 999.99 paid → 999 points: still A.
    rq = buy(api, q, "Q-1", at, [line(1, "food", "1052.62")])
    assert rq["lines"][0]["paid"] == "999.99"
    assert rq["points_earned"] == 999
    assert member(api, q)["customer_class"] == "A"

    basket = [line(1, "food", "100.00"), line(2, "daily", "100.00")]
    later = "2026-03-29T10:15:00+08:00"
    # P: food is B → 9折: 10.00 off, 90 points; daily is still A → 9.5折: 5.00 off, 95 points.
    lp = by_line(buy(api, p, "P-2", later, basket))
    assert (lp[1]["member_discount"], lp[1]["points"]) == ("10.00", 90)
    assert (lp[2]["member_discount"], lp[2]["points"]) == ("5.00", 95)
    # Q: food 999 points is A → 9.5折 on both lines: 95 + 95 points.
    rq2 = buy(api, q, "Q-2", later, basket)
    lq = by_line(rq2)
    assert (lq[1]["member_discount"], lq[1]["points"]) == ("5.00", 95)
    assert (lq[2]["member_discount"], lq[2]["points"]) == ("5.00", 95)
    # Overall: Q has 999 + 190 = 1189 points this year → B.
    assert member(api, q)["customer_class"] == "B"


def test_classes_c_and_d_and_the_vip_tier(make_api):
    api = make_api(CODE)
    r = enroll(api, "13700000021")
    # A 9.5折 on food 3157.89: 157.8945 → 157.89 off; 3000.00 paid → 3000 points → food C.
    # Cumulative spend reaches 3000.00 exactly → 会员VIP on this receipt.
    r1 = buy(api, r, "R-1", "2026-04-01T10:00:00+08:00", [line(1, "food", "3157.89")])
    assert r1["lines"][0]["paid"] == "3000.00"
    assert r1["points_earned"] == 3000
    assert r1["tier_changed"] == {"from": "regular", "to": "vip"}
    assert member(api, r)["customer_class"] == "C"
    # C 8.8折 on food 100.00 = 12.00 off → 88.00 → 88 points (food 3088).
    r2 = buy(api, r, "R-2", "2026-04-02T10:00:00+08:00", [line(1, "food", "100.00")])
    assert r2["lines"][0]["member_discount"] == "12.00"
    assert r2["points_earned"] == 88
    assert r2["tier_changed"] is None
    # C 8.8折 on food 2172.73: 260.7276 → 260.73 off → 1912.00 → 1912 points: food 5000 → D.
    r3 = buy(api, r, "R-3", "2026-04-03T10:00:00+08:00", [line(1, "food", "2172.73")])
    assert r3["lines"][0]["member_discount"] == "260.73"
    assert r3["points_earned"] == 1912
    assert member(api, r)["customer_class"] == "D"
    # D 8折 on food 100.00 = 20.00 off → 80 points.
    r4 = buy(api, r, "R-4", "2026-04-04T10:00:00+08:00", [line(1, "food", "100.00")])
    assert r4["lines"][0]["member_discount"] == "20.00"
    assert r4["points_earned"] == 80
    assert member(api, r)["points"] == 3000 + 88 + 1912 + 80


def test_vip_at_cumulative_spend_2999_99_vs_3000_00(make_api):
    api = make_api(CODE)
    s = enroll(api, "13700000031")
    # A 9.5折 on food 3157.88: 157.894 → 157.89 off; 2999.99 paid → 2999 points; still 普通.
    r1 = buy(api, s, "S-1", "2026-05-01T10:00:00+08:00", [line(1, "food", "3157.88")])
    assert r1["lines"][0]["paid"] == "2999.99"
    assert r1["tier_changed"] is None
    assert r1["tier"] == "regular"
    # One fen more: 5% of 0.01 is 0.0005 → 0.00 off; 0.01 paid → 0 points; 3000.00 → 会员VIP.
    r2 = buy(api, s, "S-2", "2026-05-01T11:00:00+08:00", [line(1, "daily", "0.01")])
    assert r2["lines"][0]["paid"] == "0.01"
    assert r2["points_earned"] == 0
    assert r2["tier_changed"] == {"from": "regular", "to": "vip"}
    assert member(api, s)["tier"] == "vip"


def test_return_lowers_the_category_class(make_api):
    api = make_api(CODE)
    p = enroll(api, "13700000041")
    # 2 × 526.32 = 1052.64; A 9.5折: 52.632 → 52.63 off → 1000.01 → 1000 points → food B.
    r1 = buy(api, p, "T-1", "2026-06-01T10:00:00+08:00", [line(1, "food", "526.32", qty="2")])
    assert r1["points_earned"] == 1000
    # Return one: 1000 × 1/2 = 500 points back; food has 500 points this year → A again.
    back = api.post(
        "/purchases/T-1/returns",
        {
            "return_no": "T-1-R",
            "occurred_at": "2026-06-02T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert (back.json()["points_reversed"], back.json()["balance"]) == (500, 500)
    # The overall class follows the return at once: 500 points this year → A (< 1000).
    assert member(api, p)["customer_class"] == "A"
    # Food 100.00 at A: 9.5折 → 5.00 off → 95 points.
    r2 = buy(api, p, "T-2", "2026-06-03T10:00:00+08:00", [line(1, "food", "100.00")])
    assert r2["lines"][0]["member_discount"] == "5.00"
    assert r2["points_earned"] == 95


def test_points_and_classes_reset_with_the_year(make_api):
    api = make_api(CODE)
    p = enroll(api, "13700000051")
    # Dec 31, 23:30: 1052.63 at A → 1000.00 paid → 1000 points → food B for the rest of 2026.
    r1 = buy(api, p, "Y-1", "2026-12-31T23:30:00+08:00", [line(1, "food", "1052.63")])
    assert r1["points_earned"] == 1000
    assert member(api, p)["customer_class"] == "B"
    bal = api.get(f"/members/{p}/balance", params={"as_of": "2026-12-31T23:59:59+08:00"}).json()
    assert bal["points"] == 1000
    # The points clear at the end of Dec 31.
    bal = api.get(f"/members/{p}/balance", params={"as_of": "2027-01-01T00:00:00+08:00"}).json()
    assert bal["points"] == 0
    # Jan 1: the new points year starts every class at A again → 9.5折 on food 100.00,
    # 5.00 off → 95 points; overall class from this year's 95 points: A.
    r2 = buy(api, p, "Y-2", "2027-01-01T00:05:00+08:00", [line(1, "food", "100.00")])
    assert r2["lines"][0]["member_discount"] == "5.00"
    assert r2["points_earned"] == 95
    assert member(api, p)["customer_class"] == "A"
