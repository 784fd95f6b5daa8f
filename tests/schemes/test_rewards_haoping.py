"""haoping lottery — SCHEMES.md §13 "Points lottery", through the HTTP API.

Win rate by tier: 白银 20%, 黄金 30%, 白金 50%, 钻石 70%; VIP cannot enter. A draw costs 100
points (the preset's number) win or lose; a win gives the prize (the preset's apple gift box,
stock 100, also on the catalogue at 2000 points). Each draw records its seed and roll: roll =
HMAC-SHA256(seed, "draw_no|member_id") as a fraction of 2^64 to 10 places; a win is roll < rate.
The tests choose the seeds (the service draws them at random) and recompute every roll.
Earning (for the set-up): 1 point per 1.00; 白银 at 5000.00 cumulative spend, 钻石 at 50000.00.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update

from huiyuan.services import perks
from huiyuan.store.schema import lottery_draws

from .rewards_kit import buy, enroll, line, points, redeem, refused, roll, stock


def seed_where(draw_no: str, member_id: str, low: str, high: str) -> str:
    """The first of 0…0, 0…1, … whose roll for this draw lies in [low, high)."""
    for i in range(10_000):
        seed = f"{i:032x}"
        if Decimal(low) <= roll(seed, draw_no, member_id) < Decimal(high):
            return seed
    raise AssertionError("no seed found")


class ChosenSeeds:
    """Stands in for the `secrets` module in services.perks: hands out the seeds given."""

    def __init__(self, seeds: list[str]):
        self.seeds = seeds

    def token_hex(self, nbytes: int) -> str:
        return self.seeds.pop(0)


def test_draws_by_tier_are_reproducible_and_cost_points(make_api, monkeypatch):
    api = make_api("haoping")
    v = enroll(api, "13800138000")
    s = enroll(api, "13900139000")
    d = enroll(api, "13700137000")
    assert buy(api, v, "PV", "2026-03-01T10:00:00+08:00", [line(1, "100.00")])["tier"] == "vip"
    # 5000.00 → 5000 points, 白银; 50100.00 → 50100 points, 钻石 (priced at VIP: no discount).
    assert (
        buy(api, s, "PS", "2026-03-01T10:00:00+08:00", [line(1, "5000.00")])["tier_changed"]["to"]
        == "silver"
    )
    assert (
        buy(api, d, "PD", "2026-03-01T10:00:00+08:00", [line(1, "50100.00")])["tier_changed"]["to"]
        == "diamond"
    )
    at = "2026-03-02T10:00:00+08:00"

    def draw(member: str, no: str) -> dict:
        r = api.post(f"/members/{member}/lottery-draws", {"draw_no": no, "occurred_at": at})
        assert r.status_code == 201, r.text
        return dict(r.json())

    # VIP cannot enter, and is charged nothing.
    r = api.post(f"/members/{v}/lottery-draws", {"draw_no": "D0", "occurred_at": at})
    assert (r.status_code, r.json()["code"]) == (422, "tier_not_eligible")
    assert points(api, v) == 100

    win = seed_where("D1", s, "0", "0.20")
    lose = seed_where("D2", s, "0.20", "1")
    between = seed_where("D3", d, "0.20", "0.70")  # loses at 白银's 20%, wins at 钻石's 70%
    monkeypatch.setattr(perks, "secrets", ChosenSeeds([win, lose, between]))

    # 白银, roll < 0.20: a win; 5000 − 100 = 4900; one gift box fewer.
    d1 = draw(s, "D1")
    assert (d1["won"], d1["prize"], d1["win_rate"], d1["points"], d1["balance"]) == (
        True,
        "apple_gift_box",
        "0.20",
        100,
        4900,
    )
    assert (d1["seed"], Decimal(d1["roll"])) == (win, roll(win, "D1", s))
    assert stock(api, "apple_gift_box") == 99
    # 白银, roll ≥ 0.20: a loss, the 100 points spent all the same: 4800.
    d2 = draw(s, "D2")
    assert (d2["won"], d2["prize"], d2["balance"]) == (False, None, 4800)
    assert Decimal(d2["roll"]) == roll(lose, "D2", s) >= Decimal("0.20")
    # Sent again: the first answer, no second charge, no new seed.
    assert (
        api.post(f"/members/{s}/lottery-draws", {"draw_no": "D1", "occurred_at": at}).json() == d1
    )
    assert points(api, s) == 4800
    # 钻石 at 70%: a roll between 0.20 and 0.70 wins. 50100 − 100 = 50000.
    d3 = draw(d, "D3")
    assert (d3["won"], d3["win_rate"], d3["balance"]) == (True, "0.70", 50000)
    assert Decimal("0.20") <= Decimal(d3["roll"]) == roll(between, "D3", d) < Decimal("0.70")
    assert stock(api, "apple_gift_box") == 98

    # The prize is on the catalogue too (积分换购): 25 boxes for 50000 points leave 0, and a
    # draw without 100 points is refused.
    x1 = redeem(api, d, "X1", "apple_gift_box", at, quantity=25)
    assert (x1["points"], x1["balance"]) == (50000, 0)
    assert stock(api, "apple_gift_box") == 73
    body = {"draw_no": "D4", "occurred_at": at}
    refused(api, f"/members/{d}/lottery-draws", body, "insufficient_points")

    # The audit trail: every draw recomputes from its seed; a roll changed afterwards does not.
    items = api.get(f"/members/{s}/lottery-draws").json()["items"]
    assert sorted((i["draw_no"], i["won"], i["seed"], i["verified"]) for i in items) == [
        ("D1", True, win, True),
        ("D2", False, lose, True),
    ]
    with api.ctx.engine.begin() as conn:
        conn.execute(
            update(lottery_draws).where(lottery_draws.c.draw_no == "D2").values(roll="0.1000000000")
        )
    items = {
        i["draw_no"]: i["verified"] for i in api.get(f"/members/{s}/lottery-draws").json()["items"]
    }
    assert items == {"D1": True, "D2": False}
