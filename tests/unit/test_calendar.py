"""Business time: Asia/Shanghai dates, birthdays (Feb 29 → Feb 28 in common years), months."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from huiyuan.domain.calendar import (
    MonthDay,
    NaiveDatetimeError,
    add_months,
    add_years,
    business_date,
    month_bounds,
    next_month_day,
    start_of_day,
    year_bounds,
)

SH = ZoneInfo("Asia/Shanghai")


def test_feb_29_falls_on_feb_28_in_common_years():
    leap_day = MonthDay.parse("--02-29")
    assert leap_day.in_year(2027) == date(2027, 2, 28)
    assert leap_day.in_year(2028) == date(2028, 2, 29)
    assert leap_day.in_year(2100) == date(2100, 2, 28)  # divisible by 100, not by 400
    assert leap_day.in_year(2000) == date(2000, 2, 29)
    assert leap_day.is_on(date(2027, 2, 28))
    assert not leap_day.is_on(date(2027, 3, 1))
    assert not leap_day.is_on(date(2028, 2, 28))
    born = MonthDay.parse("1992-02-29")
    assert born.is_on(date(2026, 2, 28))


def test_month_day_forms():
    assert MonthDay.parse("1990-05-17") == MonthDay(5, 17, 1990)
    assert MonthDay.parse("--05-17") == MonthDay(5, 17)
    assert MonthDay.parse("--05-17").iso() == "--05-17"
    assert MonthDay.parse("1990-05-17").iso() == "1990-05-17"
    assert MonthDay.parse("--05-17").is_month_of(date(2026, 5, 1))
    assert not MonthDay.parse("--05-17").is_month_of(date(2026, 6, 17))


@pytest.mark.parametrize("bad", ["--02-30", "--13-01", "--00-10", "1990-02-29", "May 17", "--5"])
def test_impossible_month_days_are_refused(bad):
    with pytest.raises(ValueError):
        MonthDay.parse(bad)


def test_age():
    born = MonthDay.parse("2008-03-28")
    assert born.age_on(date(2026, 3, 27)) == 17
    assert born.age_on(date(2026, 3, 28)) == 18
    assert MonthDay.parse("--03-28").age_on(date(2026, 3, 28)) is None
    # A Feb 29 birthday is had on Feb 28 in a common year.
    assert MonthDay.parse("2008-02-29").age_on(date(2026, 2, 28)) == 18


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamped to the month's end
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year end
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 31), 12, date(2027, 5, 31)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
        (date(2026, 8, 31), 18, date(2028, 2, 29)),
    ],
)
def test_add_months_clamps(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_from_a_leap_day():
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


def test_business_date_is_in_shanghai():
    # 16:00 UTC on Dec 31 is already 00:00 on Jan 1 in Shanghai (UTC+8).
    assert business_date(datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), SH) == date(2026, 12, 31)
    assert business_date(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), SH) == date(2027, 1, 1)
    with pytest.raises(NaiveDatetimeError):
        business_date(datetime(2026, 12, 31, 16, 0), SH)


def test_start_of_day():
    start = start_of_day(date(2027, 1, 1), SH)
    assert start.isoformat() == "2027-01-01T00:00:00+08:00"
    assert start.astimezone(UTC) == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


def test_next_month_day_is_strictly_after():
    assert next_month_day(date(2026, 12, 31), 1, 1) == date(2027, 1, 1)
    assert next_month_day(date(2027, 1, 1), 1, 1) == date(2028, 1, 1)
    assert next_month_day(date(2026, 3, 28), 4, 1) == date(2026, 4, 1)
    assert next_month_day(date(2026, 5, 1), 2, 31) == date(2027, 2, 28)  # clamped


def test_periods():
    assert month_bounds(date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert year_bounds(date(2026, 7, 1)) == (date(2026, 1, 1), date(2027, 1, 1))
