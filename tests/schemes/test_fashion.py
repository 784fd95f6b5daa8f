"""`fashion` — 服装店 普通/金卡/钻石/金钻 (SCHEMES.md §14, seed 004 VIP会员的办理).

Driven through the HTTP API.

Hand-worked from SCHEMES.md §14:
- 普通 card for a 10.00 fee; name, phone and birthday required;
- 9折 except `special_price`, leather under 1000.00 (unit price before benefits) and mink;
- 1 point per 1.00 paid; leather ≥ 1000.00 1 point per 2.00; special price, leather under
  1000.00 and mink earn nothing; 金卡 and above earn double and also the points of every purchase
  of members they referred.
The paid upgrade application (金卡 / 钻石卡 / 金钻卡) is pending (issue 5): to test what the
gold-and-above rules do, `promote` sets a member's tier in the store directly, standing in for it.
Also pending: vouchers (points / 50), birthday gifts, upgrade notices.
"""

from __future__ import annotations

from typing import Any

from huiyuan.services.context import require_program

from .kit import buy

CODE = "fashion"
JOINED = "2026-01-05T10:00:00+08:00"
NOTE_NO_DISCOUNT = {
    "special": "特价商品不享会员折扣 / special-price items get no member discount",
    "leather": "千元以下皮装不享会员折扣 / leather under 1000.00 gets no member discount",
    "mink": "貂皮不享会员折扣 / mink gets no member discount",
}
NOTE_NO_POINTS = {
    "special": "特价商品不积分 / special-price items earn no points",
    "leather": "千元以下皮装不积分 / leather under 1000.00 earns no points",
    "mink": "貂皮不积分 / mink earns no points",
}


def enroll(api: Any, phone: str, **extra: Any) -> str:
    body = {
        "name": "周敏",
        "phone": phone,
        "birthday": "1985-09-09",
        "fee_paid": "10.00",
        "joined_at": JOINED,
        **extra,
    }
    r = api.post("/members", body)
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "regular"
    return str(r.json()["member_id"])


def promote(api: Any, mid: str, tier: str) -> None:
    """Stands in for the paid upgrade application (pending, issue 5)."""
    with api.ctx.uow() as uow:
        stored = require_program(uow, CODE)
        uow.members.update(stored.program_id, mid, tier=tier)
        uow.commit()


def line(
    no: int, category: str, price: str, qty: str = "1", flags: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "line_no": no,
        "sku": f"F{no:03d}",
        "category": category,
        "qty": qty,
        "list_price": price,
        "flags": list(flags),
    }


def points(api: Any, mid: str) -> int:
    r = api.get(f"/members/{mid}")
    assert r.status_code == 200, r.text
    return int(r.json()["points"])


def by_line(answer: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {li["line_no"]: li for li in answer["lines"]}


def test_card_needs_fee_name_phone_and_birthday(make_api):
    api = make_api(CODE)
    program = api.get("").json()
    assert [t["code"] for t in program["tiers"]] == ["regular", "gold", "diamond", "gold_diamond"]
    r = api.post(
        "/members",
        {"name": "周敏", "phone": "13500000001", "fee_paid": "10.00", "joined_at": JOINED},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "missing_fields"  # no birthday: 废单
    r = api.post(
        "/members",
        {
            "name": "周敏",
            "phone": "13500000001",
            "birthday": "--09-09",
            "fee_paid": "9.99",
            "joined_at": JOINED,
        },
    )
    assert r.status_code == 422
    assert r.json()["code"] == "join_condition_not_met"
    enroll(api, "13500000001", birthday="--09-09")


def test_regular_card_receipt_with_every_exception(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13500000011")
    answer = buy(
        api,
        mid,
        "F-1",
        "2026-03-28T10:15:00+08:00",
        [
            line(1, "apparel", "1200.00"),
            line(2, "leather", "1000.00"),
            line(3, "leather", "999.99"),
            line(4, "mink", "5000.00"),
            line(5, "apparel", "300.00", flags=("special_price",)),
            line(6, "leather", "999.99", qty="2"),
            line(7, "shoes", "100.00"),
        ],
    )
    lines = by_line(answer)
    # 1: 9折 on 1200.00 = 120.00 off; 1080.00 paid → 1080 points.
    assert (lines[1]["member_discount"], lines[1]["paid"], lines[1]["points"]) == (
        "120.00",
        "1080.00",
        1080,
    )
    # 2: leather at exactly 1000.00 is not "under 1000": 9折 → 900.00 paid / 2.00 = 450 points.
    assert (lines[2]["member_discount"], lines[2]["points"]) == ("100.00", 450)
    assert lines[2]["notes"] == []
    # 3: leather at 999.99: no discount, no points, both said.
    assert (lines[3]["member_discount"], lines[3]["points"]) == ("0.00", 0)
    assert lines[3]["notes"] == [NOTE_NO_DISCOUNT["leather"], NOTE_NO_POINTS["leather"]]
    # 4: mink: neither.
    assert (lines[4]["member_discount"], lines[4]["points"]) == ("0.00", 0)
    assert lines[4]["notes"] == [NOTE_NO_DISCOUNT["mink"], NOTE_NO_POINTS["mink"]]
    # 5: special price: neither.
    assert (lines[5]["member_discount"], lines[5]["points"]) == ("0.00", 0)
    assert lines[5]["notes"] == [NOTE_NO_DISCOUNT["special"], NOTE_NO_POINTS["special"]]
    # 6: 2 × 999.99 = 1999.98 on the line, but the unit price is under 1000.00: neither.
    assert (lines[6]["member_discount"], lines[6]["points"]) == ("0.00", 0)
    # 7: an unknown category follows the base rule: 9折 on 100.00 → 90.00 → 90 points.
    assert (lines[7]["member_discount"], lines[7]["points"]) == ("10.00", 90)
    # list 1200 + 1000 + 999.99 + 5000 + 300 + 1999.98 + 100 = 10599.97;
    # off 120 + 100 + 10 = 230.00; paid 10369.97; points 1080 + 450 + 90 = 1620.
    assert answer["totals"]["list"] == "10599.97"
    assert answer["totals"]["member_discount"] == "230.00"
    assert answer["totals"]["paid"] == "10369.97"
    assert answer["points_earned"] == 1620
    # Upgrades are by paid application only (pending): 1620 points move nothing.
    assert answer["tier_changed"] is None


def test_gold_card_earns_double_rounding_once(make_api):
    api = make_api(CODE)
    mid = enroll(api, "13500000021")
    promote(api, mid, "gold")
    answer = buy(
        api,
        mid,
        "G-1",
        "2026-04-01T10:00:00+08:00",
        [line(1, "leather", "1000.00"), line(2, "apparel", "100.61"), line(3, "mink", "800.00")],
    )
    lines = by_line(answer)
    # 1: 9折 → 900.00 / 2.00 = 450 × 2 = 900 points.
    assert lines[1]["points"] == 900
    # 2: 9折 on 100.61: 10.061 → 10.06 off; 90.55 × 2 = 181.1 → 181
    #    (flooring before doubling would give 90 × 2 = 180).
    assert (lines[2]["paid"], lines[2]["points"]) == ("90.55", 181)
    # 3: mink earns nothing, doubled or not.
    assert lines[3]["points"] == 0
    assert answer["points_earned"] == 1081


def test_gold_referrer_earns_the_referred_members_points(make_api):
    api = make_api(CODE)
    referrer = enroll(api, "13500000031")
    friend = enroll(api, "13500000032", referrer_id=referrer)
    # While the referrer is 普通, the referred purchase gives the referrer nothing:
    # 9折 on 1200.00 → 1080.00 → 1080 points for the friend only.
    r = buy(api, friend, "R-1", "2026-05-01T10:00:00+08:00", [line(1, "apparel", "1200.00")])
    assert r["points_earned"] == 1080
    assert points(api, referrer) == 0
    # As 金卡 the referrer earns the same points as the friend's purchase: 1080 + 450.
    promote(api, referrer, "gold")
    r = buy(
        api,
        friend,
        "R-2",
        "2026-05-02T10:00:00+08:00",
        [line(1, "apparel", "1200.00"), line(2, "leather", "1000.00")],
    )
    assert r["points_earned"] == 1530
    assert points(api, referrer) == 1530
    # Returning the leather line takes its 450 points from the friend and 1530 × 450 / 1530
    # = 450 from the referrer.
    back = api.post(
        "/purchases/R-2/returns",
        {
            "return_no": "R-2-R",
            "occurred_at": "2026-05-03T10:00:00+08:00",
            "lines": [{"line_no": 2, "qty": "1"}],
        },
    )
    assert back.status_code == 201, back.text
    assert (back.json()["points_reversed"], back.json()["balance"]) == (450, 1080 + 1080)
    assert points(api, referrer) == 1080
