"""When earned points expire, in business time (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from huiyuan.domain.expiry import expires_at
from huiyuan.domain.program import Expiry, ExpiryKind

SH = ZoneInfo("Asia/Shanghai")
CLEAR_JAN_1 = Expiry(kind=ExpiryKind.CLEARING, month=1, day=1)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(SH).isoformat()


@pytest.mark.parametrize(
    ("earned", "clears"),
    [
        # Supermarket (SCHEMES.md §1): on Jan 1 all points of the previous year clear.
        ("2026-12-31T10:00:00+08:00", "2027-01-01T00:00:00+08:00"),
        ("2026-12-31T23:59:59+08:00", "2027-01-01T00:00:00+08:00"),
        ("2026-01-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"),
        ("2026-03-28T10:15:00+08:00", "2027-01-01T00:00:00+08:00"),
        # 16:30 UTC on Dec 31 is 00:30 on Jan 1 in Shanghai: next year's points.
        ("2026-12-31T16:30:00+00:00", "2028-01-01T00:00:00+08:00"),
    ],
)
def test_clearing_on_jan_1(earned, clears):
    assert _iso(expires_at(CLEAR_JAN_1, _at(earned), SH)) == clears


def test_clearing_is_the_start_of_the_day_in_shanghai():
    moment = expires_at(CLEAR_JAN_1, _at("2026-12-31T10:00:00+08:00"), SH)
    assert moment == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


def test_last_day_counts_for_the_next_period():
    # Counter (SCHEMES.md): points earned on Dec 31 belong to the next year and survive the
    # Jan 1 right after; they clear on the Jan 1 after that.
    policy = Expiry(kind=ExpiryKind.CLEARING, month=1, day=1, last_day_counts_next=True)
    assert _iso(expires_at(policy, _at("2026-12-31T20:00:00+08:00"), SH)) == (
        "2028-01-01T00:00:00+08:00"
    )
    assert _iso(expires_at(policy, _at("2026-12-30T20:00:00+08:00"), SH)) == (
        "2027-01-01T00:00:00+08:00"
    )
    assert _iso(expires_at(policy, _at("2027-01-01T00:00:00+08:00"), SH)) == (
        "2028-01-01T00:00:00+08:00"
    )


def test_clearing_on_another_month_day():
    # A fiscal year ending Mar 31: cleared at the start of Apr 1.
    policy = Expiry(kind=ExpiryKind.CLEARING, month=4, day=1)
    assert _iso(expires_at(policy, _at("2026-03-31T12:00:00+08:00"), SH)) == (
        "2026-04-01T00:00:00+08:00"
    )
    assert _iso(expires_at(policy, _at("2026-04-01T00:00:00+08:00"), SH)) == (
        "2027-04-01T00:00:00+08:00"
    )


@pytest.mark.parametrize(
    ("earned", "expires"),
    [
        ("2026-03-28T10:15:00+08:00", "2027-03-28T00:00:00+08:00"),
        ("2028-02-29T09:00:00+08:00", "2029-02-28T00:00:00+08:00"),  # clamped
        ("2026-12-31T23:00:00+08:00", "2027-12-31T00:00:00+08:00"),
        # 20:00 UTC on Jan 31 is Feb 1 in Shanghai: a year from Feb 1.
        ("2026-01-31T20:00:00+00:00", "2027-02-01T00:00:00+08:00"),
    ],
)
def test_rolling_twelve_months(earned, expires):
    policy = Expiry(kind=ExpiryKind.ROLLING_MONTHS, months=12)
    assert _iso(expires_at(policy, _at(earned), SH)) == expires


def test_rolling_one_month_from_a_month_end():
    policy = Expiry(kind=ExpiryKind.ROLLING_MONTHS, months=1)
    assert _iso(expires_at(policy, _at("2026-01-31T10:00:00+08:00"), SH)) == (
        "2026-02-28T00:00:00+08:00"
    )


def test_never():
    assert expires_at(Expiry(), _at("2026-03-28T10:15:00+08:00"), SH) is None


def test_policies_need_their_numbers():
    with pytest.raises(ValidationError):
        Expiry(kind=ExpiryKind.CLEARING, month=1)
    with pytest.raises(ValidationError):
        Expiry(kind=ExpiryKind.ROLLING_MONTHS)
    with pytest.raises(ValidationError):
        Expiry(kind=ExpiryKind.CLEARING, month=13, day=1)
