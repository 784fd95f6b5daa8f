"""Pure rules of the membership lifecycle: tier qualification and review helpers, deposit
rebates, the lowest balance of a month, deposit points and referral rewards."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from huiyuan.domain import stored_value as sv
from huiyuan.domain.program import DepositAccrual, Metric, Qualification, ReferralReward
from huiyuan.domain.tiers import explain, fall_target, one_step_down, reached_tier, tier_met
from huiyuan.presets.loader import ProgramFileInvalid, load_preset, parse_program


def test_rebate_brackets_by_one_deposit():
    config = load_preset("liquor").stored_value
    assert config is not None
    rates = [
        config.rebate_rate(D(a), "unit")
        for a in ("19999.99", "20000.00", "49999.99", "50000.00", "99999.99", "100000.00")
    ]
    assert rates == [D(0), D("0.01"), D("0.01"), D("0.015"), D("0.015"), D("0.02")]
    assert config.rebate_rate(D("100000.00"), "personal") == 0
    assert sv.rebate(D("49999.99"), D("0.01")) == D("500.00")  # 499.9999 half up
    assert sv.rebate(D("99999.99"), D("0.015")) == D("1500.00")  # 1499.99985


def test_lowest_balance_and_points():
    # Opened at 300000.00; −100000.00 then +500000.00: the lowest is 200000.00.
    low = sv.lowest_balance(D("300000.00"), [D("-100000.00"), D("500000.00")])
    assert low == D("200000.00")
    rule = DepositAccrual(per=D("100000.00"), points=10)
    assert sv.accrual_points(low, rule) == 20
    assert sv.accrual_points(D("99999.99"), rule) == 0
    assert sv.lowest_balance(D("0.00"), [D("300000.00")]) == D("0.00")  # arrived mid-month


def test_referral_reward_capped():
    rule = ReferralReward(rates={"vip1": D("0.004")}, cap=D("400000.00"))
    assert sv.reward(D("100000.00"), D("0.004"), rule) == D("400.00")
    assert sv.reward(D("500000.00"), D("0.007"), rule) == D("2800.00")
    assert sv.reward(D("12345.67"), D("0.006"), rule) == D("74.07")  # 74.07402


def test_tier_helpers():
    liquor = load_preset("liquor")
    # A unit never reaches a personal card by a receipt, a person never a stored-value card.
    single = {Metric.SINGLE_RECEIPT: D("60000.00"), Metric.DEPOSIT: D("100000.00")}
    assert reached_tier(liquor, "regular", single, kind="personal") == "diamond"
    assert reached_tier(liquor, "regular", single, kind="unit") == "sv_diamond"
    assert fall_target(liquor, "sv_platinum") == "regular"
    guide = load_preset("guide_store")
    assert one_step_down(guide, "diamond", "personal") == "gold"
    assert one_step_down(guide, "regular", "personal") == "regular"
    online = load_preset("online_shop")
    values = {(Metric.WINDOW_ORDERS, 365, None): D(20), (Metric.WINDOW_SPEND, 365, None): D(0)}
    assert tier_met(online, "personal", values) == "silver"
    q = Qualification(metric=Metric.ATTRIBUTE, attribute="shares", at_least=D(500))
    assert explain([q], {(Metric.ATTRIBUTE, None, "shares"): D(499)}) == [
        "attribute shares 499 ≥ 500: no"
    ]


def test_program_files_are_checked():
    with pytest.raises(ValueError):
        Qualification(metric=Metric.ATTRIBUTE, at_least=D(1))  # which attribute?
    base = load_preset("store_basic").model_dump(mode="json")
    base["tiers"][1]["fall_to"] = "nosuch"
    with pytest.raises(ProgramFileInvalid, match="unknown tiers"):
        parse_program(base)
    base = load_preset("store_basic").model_dump(mode="json")
    base["tier_review"] = {"kind": "met", "upgrade_delay_months": 1}
    with pytest.raises(ProgramFileInvalid, match="monthly"):
        parse_program(base)


def test_monthly_lows_in_one_pass():
    from datetime import UTC, datetime

    def at(month: int, day: int) -> datetime:
        return datetime(2026, month, day, tzinfo=UTC)

    moves = [
        (at(1, 31), D("300000.00")),  # arrives on Jan 31: January's lowest is 0.00
        (at(3, 10), D("-100000.00")),
        (at(3, 20), D("50000.00")),
    ]
    months = [(at(m, 1), at(m + 1, 1)) for m in (1, 2, 3, 4)]
    assert sv.monthly_lows(moves, months) == [
        D("0.00"),
        D("300000.00"),
        D("200000.00"),
        D("250000.00"),
    ]
    assert sv.monthly_lows(moves, months[2:]) == [D("200000.00"), D("250000.00")]
