"""`jewelry` — 珠宝店 VIP积分兑换细则 (SCHEMES.md §12, seed 003), driven through the HTTP API.

Hand-worked from SCHEMES.md §12:
- earn per category on the money paid: diamond, jade, K-gold, 金镶玉 1 point per 3.00; 千足金 per
  40.00; 精品黄金 and 铂金 per 20.00; 钯金 per 10.00; silver per 1.00; rounded down per line after
  the multipliers (birthday or anniversary ×2, once; `bonus_1_5` ×1.5);
- tiers by cumulative points: 黄金卡 0, 白金卡 500, 钻石卡 3000; the qualifying receipt is priced
  at the old tier;
- 素金 by weight: 5.00 / 5.00 / 7.00 off per gram; 一口价 95折 / 9折 / 85折 except `special_price`;
- a referrer gets half the referred receipt's points, rounded down; returns take both back;
- points clear at the end of Oct 31.
Pending in the preset (rewards, redemption checks): see the preset's `# pending` comments.
"""

from __future__ import annotations

from typing import Any

from .kit import quoted_purchase

CODE = "jewelry"
JOINED = "2026-01-05T10:00:00+08:00"
ID = "11010519491231002X"  # valid 身份证 (stdnum.cn.ric)
ID_FEB29 = "320102199202294566"  # valid 身份证, born 1992-02-29

NOTE_SPECIAL = "特价商品不享会员折扣 / special-price items get no member discount"
NOTE_NO_BENEFIT = (
    "非素金、非一口价商品不享会员优惠 / neither plain gold nor one-price goods: no member benefit"
)
NOTE_NO_POINTS = "该商品不在积分范围内 / this item earns no points"


def enroll(api: Any, phone: str, **extra: Any) -> str:
    body = {"name": "李静", "phone": phone, "id_number": ID, "joined_at": JOINED, **extra}
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "gold"  # 黄金卡 on joining
    return str(r.json()["member_id"])


def line(
    no: int,
    category: str,
    price: str,
    qty: str = "1",
    flags: tuple[str, ...] = (),
    weight: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "line_no": no,
        "sku": f"J{no:03d}",
        "category": category,
        "qty": qty,
        "list_price": price,
        "price": price,
        "flags": list(flags),
    }
    if weight is not None:
        out["weight_grams"] = weight
    return out


def body(mid: str, receipt_no: str, at: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {"receipt_no": receipt_no, "member_id": mid, "occurred_at": at, "lines": lines}


def quote(api: Any, mid: str, at: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    r = api.post("/purchases/quote", body(mid, "Q", at, lines))
    assert r.status_code == 200, r.text
    return dict(r.json())


def buy(api: Any, mid: str, receipt_no: str, at: str, lines: list[dict[str, Any]]) -> Any:
    """Quotes, commits and checks that the quote was the commit's answer."""
    return quoted_purchase(api, body(mid, receipt_no, at, lines))


def give_back(api: Any, receipt_no: str, return_no: str, at: str, qty: dict[int, str]) -> Any:
    lines = [{"line_no": n, "qty": q} for n, q in qty.items()]
    r = api.post(
        f"/purchases/{receipt_no}/returns",
        {"return_no": return_no, "occurred_at": at, "lines": lines},
    )
    assert r.status_code == 201, r.text
    return r.json()


def member(api: Any, mid: str) -> dict[str, Any]:
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def by_line(answer: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {li["line_no"]: li for li in answer["lines"]}


def test_tiers_and_join(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["gold", "platinum", "diamond"]
    # The card is free: no qualifying spend or fee is asked for.
    mid = enroll(api, "13900000001")
    assert member(api, mid)["status"] == "active"
    # The ID number is required (enquiries and redemptions go by card + 身份证).
    r = api.post("/members", {"name": "无证", "phone": "13900000002", "joined_at": JOINED})
    assert r.status_code == 422
    assert r.json()["code"] == "missing_fields"


def test_receipt_by_category_with_exclusions(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13900000011")
    answer = buy(
        api,
        mid,
        "J-1",
        "2026-03-10T11:00:00+08:00",
        [
            line(1, "diamond", "3000.00"),
            line(2, "pure_gold", "6000.00", weight="10.5"),
            line(3, "jade", "200.00", flags=("bonus_1_5",)),
            line(4, "diamond", "1000.00", flags=("special_price",)),
            line(5, "watch", "500.00"),
            line(6, "silver", "300.00", weight="20"),
        ],
    )
    lines = by_line(answer)
    # 1: 95折 on 3000.00 = 150.00 off; 2850.00 paid / 3.00 = 950 points.
    assert lines[1]["member_discount"] == "150.00"
    assert lines[1]["paid"] == "2850.00"
    assert lines[1]["points"] == 950
    # 2: 千足金 10.5 g × 5.00 = 52.50 off; 5947.50 paid / 40.00 = 148.6875 → 148 points.
    assert lines[2]["member_discount"] == "52.50"
    assert lines[2]["paid"] == "5947.50"
    assert lines[2]["points"] == 148
    # 3: 95折 on 200.00 = 10.00 off; 190.00 / 3.00 = 63.333… × 1.5 = 95.0 → 95 points
    #    (rounding once, last: flooring first would give 63 × 1.5 = 94).
    assert lines[3]["member_discount"] == "10.00"
    assert lines[3]["points"] == 95
    # 4: special price: no 95折 (note); 1000.00 / 3.00 = 333.33 → 333 points.
    assert lines[4]["member_discount"] == "0.00"
    assert lines[4]["notes"] == [NOTE_SPECIAL]
    assert lines[4]["points"] == 333
    # 5: not a jewellery category: no benefit, no points, both said.
    assert lines[5]["member_discount"] == "0.00"
    assert lines[5]["points"] == 0
    assert lines[5]["notes"] == [NOTE_NO_BENEFIT, NOTE_NO_POINTS]
    # 6: silver by weight 20 g × 5.00 = 100.00 off; 200.00 paid / 1.00 = 200 points.
    assert lines[6]["member_discount"] == "100.00"
    assert lines[6]["points"] == 200
    # list 3000 + 6000 + 200 + 1000 + 500 + 300 = 11000.00;
    # off 150.00 + 52.50 + 10.00 + 100.00 = 312.50; paid 10687.50.
    assert answer["totals"]["list"] == "11000.00"
    assert answer["totals"]["member_discount"] == "312.50"
    assert answer["totals"]["paid"] == "10687.50"
    # 950 + 148 + 95 + 333 + 200 = 1726 points ≥ 500: 白金卡 from the next receipt.
    assert answer["points_earned"] == 1726
    assert answer["balance"] == 1726
    assert answer["tier_changed"] == {"from": "gold", "to": "platinum"}
    assert member(api, mid)["tier"] == "platinum"


def test_cumulative_points_boundary_499_vs_500(make_api):
    api = make_api(CODE)
    at = "2026-04-01T15:00:00+08:00"
    a = enroll(api, "13900000021")
    b = enroll(api, "13900000022")
    # A: 钯金 10 g, 5040.00 − 10 × 5.00 = 4990.00 paid / 10.00 = 499 points: stays 黄金卡.
    ra = buy(api, a, "A-1", at, [line(1, "palladium", "5040.00", weight="10")])
    assert ra["points_earned"] == 499
    assert ra["tier_changed"] is None
    assert ra["tier"] == "gold"
    # B: 钯金 10 g, 5050.00 − 50.00 = 5000.00 / 10.00 = 500 points: 白金卡 on this receipt,
    # which is still priced at 黄金卡 (5.00 per gram, as 白金卡 too).
    rb = buy(api, b, "B-1", at, [line(1, "palladium", "5050.00", weight="10")])
    assert rb["points_earned"] == 500
    assert rb["tier_changed"] == {"from": "gold", "to": "platinum"}
    assert rb["tier"] == "platinum"
    # A's next receipt: diamond 100.00 at 黄金卡 95折 → 95.00 paid → 31.67 → 31 points;
    # 499 + 31 = 530 ≥ 500: 白金卡, but this receipt is priced at 95折.
    ra2 = buy(api, a, "A-2", "2026-04-02T10:00:00+08:00", [line(1, "diamond", "100.00")])
    assert ra2["lines"][0]["member_discount"] == "5.00"
    assert ra2["points_earned"] == 31
    assert ra2["tier_changed"] == {"from": "gold", "to": "platinum"}
    # The next one is priced at 白金卡: 9折 on 100.00 = 10.00 off → 90.00 → 30 points.
    ra3 = buy(api, a, "A-3", "2026-04-03T10:00:00+08:00", [line(1, "diamond", "100.00")])
    assert ra3["lines"][0]["member_discount"] == "10.00"
    assert ra3["points_earned"] == 30
    assert ra3["tier_changed"] is None


def test_diamond_card_at_3000_and_its_prices(make_api):
    api = make_api(CODE)
    c = enroll(api, "13900000031")
    # 5050.00 − 50.00 = 5000.00 / 10.00 = 500 points → 白金卡.
    r1 = buy(
        api, c, "C-1", "2026-05-01T10:00:00+08:00", [line(1, "palladium", "5050.00", weight="10")]
    )
    assert r1["tier_changed"] == {"from": "gold", "to": "platinum"}
    # 白金卡 9折 on 8333.33: 833.333 → 833.33 off; 7500.00 / 3.00 = 2500 points;
    # cumulative 500 + 2500 = 3000 → 钻石卡 from the next receipt.
    r2 = buy(api, c, "C-2", "2026-05-02T10:00:00+08:00", [line(1, "diamond", "8333.33")])
    assert r2["lines"][0]["member_discount"] == "833.33"
    assert r2["lines"][0]["paid"] == "7500.00"
    assert r2["points_earned"] == 2500
    assert r2["tier_changed"] == {"from": "platinum", "to": "diamond"}
    # 钻石卡: 钯金 10 g × 7.00 = 70.00 off 5070.00 → 5000.00 → 500 points;
    # 85折 on a 1000.00 K-gold piece = 150.00 off → 850.00 / 3.00 = 283.33 → 283 points.
    r3 = buy(
        api,
        c,
        "C-3",
        "2026-05-03T10:00:00+08:00",
        [line(1, "palladium", "5070.00", weight="10"), line(2, "k_gold", "1000.00")],
    )
    lines = by_line(r3)
    assert lines[1]["member_discount"] == "70.00"
    assert lines[1]["points"] == 500
    assert lines[2]["member_discount"] == "150.00"
    assert lines[2]["points"] == 283
    assert r3["points_earned"] == 783
    assert r3["tier_changed"] is None
    assert member(api, c)["points"] == 500 + 2500 + 783


def test_feb29_birthday_and_anniversary_double_once(make_api):
    api = make_api(CODE)
    leap = enroll(api, "13900000041", id_number=ID_FEB29, birthday="1992-02-29")
    ring = [line(1, "diamond", "300.00")]
    # Plain day: 95折 on 300.00 = 15.00 off → 285.00 / 3.00 = 95 points.
    assert quote(api, leap, "2026-03-01T10:00:00+08:00", ring)["points_earned"] == 95
    # 2026 is a common year: the Feb-29 birthday is Feb 28 → 95 × 2 = 190 points.
    assert quote(api, leap, "2026-02-28T10:00:00+08:00", ring)["points_earned"] == 190
    # 23:30 UTC on Feb 27 is 07:30 on Feb 28 in Shanghai: the business date counts → 190.
    assert quote(api, leap, "2026-02-27T23:30:00+00:00", ring)["points_earned"] == 190
    # 2028 is a leap year: Feb 28 is an ordinary day (95), Feb 29 is the birthday (190).
    assert quote(api, leap, "2028-02-28T10:00:00+08:00", ring)["points_earned"] == 95
    assert quote(api, leap, "2028-02-29T10:00:00+08:00", ring)["points_earned"] == 190

    both = enroll(api, "13900000042", birthday="1988-06-18", anniversary="2014-06-18")
    day = "2026-06-18T16:00:00+08:00"
    # Birthday and anniversary on the same day double once: 285.00 / 3 × 2 = 190 (not 380).
    assert quote(api, both, day, ring)["points_earned"] == 190
    # A bonus_1_5 jade on that day: 95折 on 200.00 → 190.00 / 3 × 2 × 1.5 = 190 points.
    jade = [line(1, "jade", "200.00", flags=("bonus_1_5",))]
    assert quote(api, both, day, jade)["points_earned"] == 190
    # The anniversary alone (birthday elsewhere in the year) also doubles: 190.
    anniv = enroll(api, "13900000043", birthday="1990-01-02", anniversary="2015-10-01")
    r = buy(api, anniv, "AN-1", "2026-10-01T12:00:00+08:00", ring)
    assert r["points_earned"] == 190


def test_referrer_gets_half_and_returns_take_both_back(make_api):
    api = make_api(CODE)
    referrer = enroll(api, "13900000051")
    friend = enroll(api, "13900000052", referrer_id=referrer)
    sold = "2026-06-05T14:00:00+08:00"
    # Two diamond rings at 3000.00: 95折 on 6000.00 = 300.00 off → 5700.00 / 3 = 1900 points;
    # the referrer gets 1900 × 0.5 = 950.
    r = buy(api, friend, "F-1", sold, [line(1, "diamond", "3000.00", qty="2")])
    assert r["points_earned"] == 1900
    assert r["tier_changed"] == {"from": "gold", "to": "platinum"}
    assert member(api, referrer)["points"] == 950
    bonus = api.get(f"/members/{referrer}/ledger").json()["items"][0]
    assert (bonus["kind"], bonus["points"], bonus["ref"]) == ("bonus", 950, "F-1")
    # Return one ring: the line's points × 1/2 = 950 back; the referrer's share of them,
    # 950 × 950 / 1900 = 475, goes back too.
    back = give_back(api, "F-1", "F-1-R1", "2026-06-06T10:00:00+08:00", {1: "1"})
    assert (back["points_reversed"], back["balance"]) == (950, 950)
    assert member(api, referrer)["points"] == 475
    # Return the other: everything is back, for both.
    back = give_back(api, "F-1", "F-1-R2", "2026-06-07T10:00:00+08:00", {1: "1"})
    assert (back["points_reversed"], back["balance"]) == (950, 0)
    assert member(api, referrer)["points"] == 0

    # An odd number of points: 95折 on 300.00 → 285.00 / 3 = 95; half = 47.5 → 47.
    friend2 = enroll(api, "13900000053", referrer_id=referrer)
    r = buy(api, friend2, "F-2", sold, [line(1, "diamond", "300.00")])
    assert r["points_earned"] == 95
    assert member(api, referrer)["points"] == 47
    back = give_back(api, "F-2", "F-2-R1", "2026-06-06T10:00:00+08:00", {1: "1"})
    assert (back["points_reversed"], back["balance"]) == (95, 0)
    assert member(api, referrer)["points"] == 0


def test_points_clear_at_the_end_of_oct_31(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13900000061")
    # Silver one-price 200.00: 95折 → 190.00 / 1.00 = 190 points on Oct 31.
    r = buy(api, mid, "O-1", "2026-10-31T20:00:00+08:00", [line(1, "silver_one_price", "200.00")])
    assert r["points_earned"] == 190
    before = api.get(f"/members/{mid}/balance", params={"as_of": "2026-10-31T23:59:59+08:00"})
    assert before.json()["points"] == 190
    assert before.json()["expiring"] == [{"expires_at": "2026-11-01T00:00:00+08:00", "points": 190}]
    after = api.get(f"/members/{mid}/balance", params={"as_of": "2026-11-01T00:00:00+08:00"})
    assert after.json()["points"] == 0
    # Cleared points still count as earned for the tier: 190 + 310 = 500 → 白金卡.
    # Silver 326.32: 95折 → 16.316 → 16.32 off → 310.00 → 310 points.
    r = buy(api, mid, "O-2", "2026-11-02T10:00:00+08:00", [line(1, "silver_one_price", "326.32")])
    assert r["lines"][0]["paid"] == "310.00"
    assert r["points_earned"] == 310
    assert r["tier_changed"] == {"from": "gold", "to": "platinum"}
