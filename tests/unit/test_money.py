"""Money: Decimal yuan, two places, half up (四舍五入), never float; points are whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huiyuan.domain.money import (
    MONEY_MAX,
    POINTS_MAX,
    MoneyError,
    exact,
    floor_points,
    fmt,
    money,
    split_points_pro_rata,
    split_pro_rata,
)


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("2.675", "2.68"),  # float 2.675 is 2.67499…; Decimal half up gives 2.68
        ("2.665", "2.67"),  # half up, not half even (which would give 2.66)
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("1.5", "1.50"),
        (" 35.50 ", "35.50"),
        (3, "3.00"),
        (Decimal("99.999"), "100.00"),
        ("-2.675", "-2.68"),  # half away from zero on both sides
        ("1E+2", "100.00"),
    ],
)
def test_money_rounds_half_up_to_the_fen(given_, expected):
    assert money(given_) == Decimal(expected)
    assert str(money(given_)) == expected


@pytest.mark.parametrize("bad", [2.675, 0.1, 1.0, True, False])
def test_money_refuses_floats_and_bools(bad):
    with pytest.raises(MoneyError):
        money(bad)


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", "-Infinity", "1,00"])
def test_money_refuses_what_is_not_an_amount(bad):
    with pytest.raises(MoneyError):
        money(bad)


def test_exact_keeps_every_digit_and_refuses_floats():
    assert exact("0.088") == Decimal("0.088")
    assert exact("1.5") * 3 == Decimal("4.5")
    with pytest.raises(MoneyError):
        exact(0.05)
    with pytest.raises(MoneyError):
        exact("NaN")


def test_fmt_is_a_two_place_string():
    assert fmt(Decimal("5")) == "5.00"
    assert fmt(Decimal("71")) == "71.00"
    assert fmt(Decimal("0.125")) == "0.13"
    assert fmt(MONEY_MAX) == "100000000.00"


def test_floor_points_drops_the_fraction_once():
    # SCHEMES.md: liquor 24.99 × 2% × 2 = 0.9996 → 0 points, never rounded to the fen first.
    assert floor_points(Decimal("24.99") * Decimal("0.02") * 2) == 0
    assert floor_points(Decimal("71.00")) == 71
    assert floor_points(Decimal("35.5")) == 35
    assert floor_points(Decimal("0")) == 0
    # Negative values go toward zero (a share of a clawback is never more than earned).
    assert floor_points(Decimal("-35.5")) == -35
    assert isinstance(floor_points(Decimal("1.9")), int)


def test_points_bound():
    assert POINTS_MAX == 2**31 - 1


def test_split_pro_rata_examples():
    # 10.00 over three equal lines: 3.33 each and the last fen to the first (ties → earlier).
    assert split_pro_rata(Decimal("10.00"), [Decimal(1)] * 3) == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    # 5.00 over 71.00 and 29.00: 3.55 and 1.45 exactly.
    assert split_pro_rata(Decimal("5.00"), [Decimal("71.00"), Decimal("29.00")]) == [
        Decimal("3.55"),
        Decimal("1.45"),
    ]
    # 0.01 over 1 : 2 — the larger remainder (2/3 of a fen) takes it.
    assert split_pro_rata(Decimal("0.01"), [Decimal(1), Decimal(2)]) == [
        Decimal("0.00"),
        Decimal("0.01"),
    ]
    assert split_pro_rata(Decimal("1.00"), []) == []
    # No weight at all: the whole amount on the first line, still adding up.
    assert split_pro_rata(Decimal("1.00"), [Decimal(0), Decimal(0)]) == [
        Decimal("1.00"),
        Decimal("0.00"),
    ]


_amounts = st.decimals(min_value=0, max_value=MONEY_MAX, places=2)


@given(_amounts, st.lists(_amounts, min_size=1, max_size=30))
def test_split_pro_rata_adds_up_exactly(total, weights):
    shares = split_pro_rata(total, weights)
    assert len(shares) == len(weights)
    assert sum(shares, Decimal(0)) == total
    weight_sum = sum(weights, Decimal(0))
    for share, weight in zip(shares, weights, strict=True):
        assert share == share.quantize(Decimal("0.01"))
        assert share >= 0
        if weight_sum > 0:
            # Each share is within one fen of its exact proportion.
            assert abs(share - total * weight / weight_sum) < Decimal("0.01")


@given(
    st.integers(min_value=0, max_value=POINTS_MAX),
    st.lists(_amounts, min_size=1, max_size=30),
)
def test_split_points_pro_rata_adds_up_exactly(total, weights):
    parts = split_points_pro_rata(total, weights)
    assert sum(parts) == total
    assert all(isinstance(p, int) and p >= 0 for p in parts)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum > 0:
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - Decimal(total) * weight / weight_sum) < 1
