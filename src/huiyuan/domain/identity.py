"""Checks of identity data: mainland mobile numbers, 身份证 checksums and card numbers."""

from __future__ import annotations

import re

import phonenumbers
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(text: str) -> str | None:
    """A valid mainland mobile number as 11 digits, or None."""
    digits = re.sub(r"[\s\-]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not _MOBILE.match(digits):
        return None
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return digits


def normalize_resident_id(text: str) -> str | None:
    """A valid 18-character 身份证 number (checksum verified), or None."""
    try:
        return str(ric.validate(text.strip().upper()))
    except ValidationError:
        return None


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def card_valid(card_no: str) -> bool:
    return card_no.isdigit() and len(card_no) >= 2 and luhn_digit(card_no[:-1]) == card_no[-1]
