"""jewelry rewards — SCHEMES.md §12 "Gifts from 150 points. 1000 points = 100.00 off one-price
goods", through the HTTP API.

Offset in whole blocks of 1000 points = 100.00, only on one-price lines (diamond,
gold_inlaid_jade, jade, k_gold, silver_one_price), spread over them pro rata after the member
discount. A redemption uses at least 150 points (the catalogue: jewelry_box 150, stock 100).
Earning (for the set-up): diamond and jade 1 point per 3.00, pure_gold per 40.00, rounded down
per line; 黄金卡 95折 / 白金卡 (500 cumulative points) 9折 on one-price goods; plain gold
5.00 off per gram.
"""

from __future__ import annotations

from huiyuan.domain.program import Program
from huiyuan.domain.rewards import NOTE_OFFSET_NOT_ELIGIBLE
from huiyuan.presets.loader import load_preset
from huiyuan.services import programs

from .rewards_kit import ID, buy, enroll, line, redeem, redemption, refused, stock


def test_offset_blocks_on_one_price_goods_and_gifts_from_150(make_api):
    api = make_api("jewelry")
    a = enroll(api, "13800138000", id_number=ID)
    # 4000.00 diamond × 0.95 = 3800.00 → 3800 / 3 = 1266.67 → 1266 points; now 白金卡.
    p1 = buy(api, a, "P1", "2026-03-01T10:00:00+08:00", [line(1, "4000.00", "diamond")])
    assert (p1["balance"], p1["tier_changed"]["to"]) == (1266, "platinum")

    def receipt(no: str, redeem: int, *lines: dict) -> dict:
        return {
            "receipt_no": no,
            "member_id": a,
            "occurred_at": "2026-03-02T10:00:00+08:00",
            "points_to_redeem": redeem,
            "lines": list(lines),
        }

    gold = line(3, "4000.00", "pure_gold", weight_grams="10")
    refused(
        api,
        "/purchases",
        receipt("P2", 1200, line(1, "2000.00", "diamond"), gold),
        "not_a_multiple",
    )
    # Only 90.00 of one-price goods (100.00 jade at 9折): 1000 points = 100.00 is too much.
    r = refused(
        api,
        "/purchases",
        receipt("P2", 1000, line(1, "100.00", "jade"), gold),
        "offset_cap_exceeded",
    )
    assert r["max_points"] == 0
    # At 白金卡: diamond 2000.00 → 1800.00, jade 1000.00 → 900.00, pure gold 4000.00 − 10 g ×
    # 5.00 = 3950.00. 1000 points = 100.00 over the one-price lines, 1800 : 900 → 66.666… and
    # 33.333… → 66.66 + 33.33 and the last fen to the larger remainder (diamond): 66.67, 33.33.
    # Paid 1733.33, 866.67, 3950.00 → points 577 (577.78), 288 (288.89), 98 (98.75) = 963.
    # Balance 1266 − 1000 + 963 = 1229.
    p2 = buy(
        api,
        a,
        "P2",
        "2026-03-02T10:00:00+08:00",
        [line(1, "2000.00", "diamond"), line(2, "1000.00", "jade"), gold],
        points_to_redeem=1000,
    )
    assert p2["totals"]["points_offset"] == "100.00"
    assert [(li["paid"], li["points"]) for li in p2["lines"]] == [
        ("1733.33", 577),
        ("866.67", 288),
        ("3950.00", 98),
    ]
    assert NOTE_OFFSET_NOT_ELIGIBLE in p2["lines"][2]["notes"]
    assert (p2["points_redeemed"], p2["points_earned"], p2["balance"]) == (1000, 963, 1229)

    # A gift from 150 points: 1229 − 150 = 1079; one box fewer.
    x1 = redeem(api, a, "X1", "jewelry_box", "2026-03-03T10:00:00+08:00")
    assert (x1["kind"], x1["points"], x1["balance"]) == ("gift", 150, 1079)
    assert stock(api, "jewelry_box") == 99
    # 8 pendants (800 each, 10 in stock): 6400 > 1079 points. 11 pendants: more than the stock
    # (checked before the points).
    refused(
        api,
        "/redemptions",
        redemption(a, "X2", "silver_pendant", "2026-03-03T10:00:00+08:00", quantity=8),
        "insufficient_points",
    )
    refused(
        api,
        "/redemptions",
        redemption(a, "X2", "silver_pendant", "2026-03-03T10:00:00+08:00", quantity=11),
        "out_of_stock",
    )


def test_a_gift_under_the_150_point_minimum_is_refused(make_api):
    # The shipped catalogue has nothing under 150 points; a shop that adds a 100-point gift
    # finds the minimum applied to each redemption's points: one cloth (100) is below it, two
    # (200) are not.
    api = make_api("jewelry")
    data = load_preset("jewelry").model_dump(mode="json")
    data["code"] = "jewelry_plus"
    cloth = {
        "code": "cloth",
        "kind": "gift",
        "name": "擦银布",
        "name_en": "Polishing cloth",
        "points": 100,
    }
    data["rewards"]["catalogue"].append(cloth)
    programs.load(api.ctx, Program.model_validate(data), None, "test", replace=False)
    api.program = "jewelry_plus"
    a = enroll(api, "13800138000", id_number=ID)
    # 900.00 jade × 0.95 = 855.00 → 285 points.
    assert (
        buy(api, a, "P1", "2026-03-01T10:00:00+08:00", [line(1, "900.00", "jade")])["balance"]
        == 285
    )
    r = refused(
        api,
        "/redemptions",
        redemption(a, "X1", "cloth", "2026-03-02T10:00:00+08:00"),
        "below_minimum",
    )
    # Card and ID not checked by staff ("无有效证件不可兑换礼品"): refused, nothing spent.
    refused(
        api,
        "/redemptions",
        redemption(a, "X1", "cloth", "2026-03-02T10:00:00+08:00", quantity=2, id_checked=False),
        "id_check_required",
    )
    assert "150" in r["detail"]
    x1 = redeem(api, a, "X1", "cloth", "2026-03-02T10:00:00+08:00", quantity=2)
    assert (x1["points"], x1["balance"]) == (200, 85)
