"""Identity data: mainland mobile numbers, 身份证 checksums and card check digits."""

from __future__ import annotations

import pytest

from huiyuan.domain.identity import (
    card_valid,
    luhn_digit,
    normalize_mobile,
    normalize_resident_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("19912345678", "19912345678"),
    ],
)
def test_valid_mobiles_are_normalized(text, expected):
    assert normalize_mobile(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12800138000",  # no 12x mobile range
        "1380013800",  # 10 digits
        "138001380000",  # 12 digits
        "23800138000",
        "abcdefghijk",
        "02012345678",  # a Guangzhou landline
        "+1 415 555 2671",
        "１３８００１３８０００",  # full-width digits
    ],
)
def test_invalid_mobiles(text):
    assert normalize_mobile(text) is None


def test_resident_id_checksum():
    # ISO 7064 MOD 11-2 over the first 17 digits of 11010519491231002? gives X.
    assert normalize_resident_id("11010519491231002X") == "11010519491231002X"
    assert normalize_resident_id("11010519491231002x") == "11010519491231002X"
    assert normalize_resident_id(" 11010519491231002X ") == "11010519491231002X"
    assert normalize_resident_id("110105194912310021") is None  # wrong check character
    assert normalize_resident_id("11010519491231002") is None  # 17 characters
    assert normalize_resident_id("110105194913310024") is None  # month 13
    assert normalize_resident_id("") is None
    assert normalize_resident_id("X" * 18) is None


def test_luhn():
    # The classic example: 7992739871 → check digit 3.
    assert luhn_digit("7992739871") == "3"
    assert card_valid("79927398713")
    assert not card_valid("79927398710")
    # 800000000000000: the 8 is doubled to 16 → 1 + 6 = 7; (10 − 7) mod 10 = 3.
    assert luhn_digit("800000000000000") == "3"
    assert card_valid("8000000000000003")
    assert luhn_digit("0") == "0"


@pytest.mark.parametrize("bad", ["", "3", "8000-0000-0000-0003", "8000000000000003 ", "abc"])
def test_malformed_card_numbers(bad):
    assert not card_valid(bad)


def test_every_single_digit_error_is_caught():
    card = "8000000000000003"
    for i in range(len(card)):
        for d in "0123456789":
            if d != card[i]:
                assert not card_valid(card[:i] + d + card[i + 1 :])
