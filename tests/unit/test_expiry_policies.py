"""Expiry policies as pure functions (domain/expiry.py), in business time (Asia/Shanghai):
calendar clearing on a month-day, the end of a fiscal year, rolling N months across leap years,
"the last day counts for the next period", never."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huiyuan.domain.expiry import expires_at
from huiyuan.domain.program import Expiry, ExpiryKind

SH = ZoneInfo("Asia/Shanghai")
JAN_1 = Expiry(kind=ExpiryKind.CLEARING, month=1, day=1)
NOV_1 = Expiry(kind=ExpiryKind.CLEARING, month=11, day=1)  # jewelry: the end of Oct 31
COUNTER = Expiry(kind=ExpiryKind.CLEARING, month=1, day=1, last_day_counts_next=True)
FISCAL_APR = Expiry(kind=ExpiryKind.CLEARING, month=4, day=1)  # a fiscal year Apr 1 – Mar 31


def exp(policy: Expiry, earned: str) -> str | None:
    moment = expires_at(policy, datetime.fromisoformat(earned), SH)
    return None if moment is None else moment.isoformat()


@pytest.mark.parametrize(
    ("policy", "earned", "gone"),
    [
        # Calendar year: everything of 2026 is gone at the start of 2027-01-01, business time.
        (JAN_1, "2026-01-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"),
        (JAN_1, "2026-12-31T23:59:59+08:00", "2027-01-01T00:00:00+08:00"),
        # 16:30 UTC on Dec 31 is Jan 1 00:30 in Shanghai: a 2027 point.
        (JAN_1, "2026-12-31T16:30:00+00:00", "2028-01-01T00:00:00+08:00"),
        # Jewelry: Oct 31 (even 23:59) clears at Nov 1 00:00; Nov 1 lives a year.
        (NOV_1, "2026-10-31T23:59:00+08:00", "2026-11-01T00:00:00+08:00"),
        (NOV_1, "2026-11-01T00:00:00+08:00", "2027-11-01T00:00:00+08:00"),
        (NOV_1, "2026-03-01T10:00:00+08:00", "2026-11-01T00:00:00+08:00"),
        # Counter: Dec 31 purchases belong to the next year; Dec 30 and Jan 1 do not move.
        (COUNTER, "2026-12-30T23:59:59+08:00", "2027-01-01T00:00:00+08:00"),
        (COUNTER, "2026-12-31T00:00:00+08:00", "2028-01-01T00:00:00+08:00"),
        (COUNTER, "2026-12-31T23:59:59+08:00", "2028-01-01T00:00:00+08:00"),
        (COUNTER, "2027-01-01T00:00:00+08:00", "2028-01-01T00:00:00+08:00"),
        # A fiscal year from Apr 1: the end of the fiscal year of earning.
        (FISCAL_APR, "2026-03-31T12:00:00+08:00", "2026-04-01T00:00:00+08:00"),
        (FISCAL_APR, "2026-04-01T12:00:00+08:00", "2027-04-01T00:00:00+08:00"),
    ],
)
def test_clearing(policy, earned, gone):
    assert exp(policy, earned) == gone


@pytest.mark.parametrize(
    ("months", "earned", "gone"),
    [
        # The same date N months later, at its start (usable through the day before).
        (12, "2026-03-28T10:00:00+08:00", "2027-03-28T00:00:00+08:00"),
        (24, "2026-03-28T10:00:00+08:00", "2028-03-28T00:00:00+08:00"),
        # Leap day: clamped to Feb 28 in a common year.
        (12, "2028-02-29T10:00:00+08:00", "2029-02-28T00:00:00+08:00"),
        (24, "2028-02-29T10:00:00+08:00", "2030-02-28T00:00:00+08:00"),
        (48, "2028-02-29T10:00:00+08:00", "2032-02-29T00:00:00+08:00"),
        # Feb 28 stays Feb 28 even when Feb 29 exists in the target year.
        (12, "2027-02-28T10:00:00+08:00", "2028-02-28T00:00:00+08:00"),
        # Month ends clamp too (Aug 31 + 6 months → Feb 28).
        (6, "2026-08-31T10:00:00+08:00", "2027-02-28T00:00:00+08:00"),
    ],
)
def test_rolling_months(months, earned, gone):
    assert exp(Expiry(kind=ExpiryKind.ROLLING_MONTHS, months=months), earned) == gone


def test_never():
    assert exp(Expiry(), "2026-03-28T10:00:00+08:00") is None


def test_policies_are_checked():
    with pytest.raises(ValueError):
        Expiry(kind=ExpiryKind.CLEARING, month=1)
    with pytest.raises(ValueError):
        Expiry(kind=ExpiryKind.ROLLING_MONTHS)
