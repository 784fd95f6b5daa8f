"""Business time: dates in the program's time zone, birthdays, anniversaries and periods."""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


class NaiveDatetimeError(ValueError):
    """A moment without an offset cannot be placed in business time."""


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetimeError("a moment needs a time zone offset")
    return moment


def business_date(moment: datetime, tz: ZoneInfo) -> date:
    return require_aware(moment).astimezone(tz).date()


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


@dataclass(frozen=True)
class MonthDay:
    """A birthday or anniversary; the year is optional (`--MM-DD`)."""

    month: int
    day: int
    year: int | None = None

    @classmethod
    def parse(cls, text: str) -> MonthDay:
        text = text.strip()
        if text.startswith("--"):
            month, day = (int(p) for p in text[2:].split("-"))
            date(2000, month, day)  # validates against a leap year so Feb 29 is allowed
            return cls(month, day)
        d = date.fromisoformat(text)
        return cls(d.month, d.day, d.year)

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> date:
        """The date it falls on in a year; Feb 29 falls on Feb 28 in common years."""
        if self.month == 2 and self.day == 29 and not _cal.isleap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)

    def is_on(self, day: date) -> bool:
        return self.in_year(day.year) == day

    def is_month_of(self, day: date) -> bool:
        return self.month == day.month

    def age_on(self, day: date) -> int | None:
        if self.year is None:
            return None
        had = day >= self.in_year(day.year)
        return day.year - self.year - (0 if had else 1)


def add_months(day: date, months: int) -> date:
    """Same day-of-month N months later, clamped to the month's end (Jan 31 + 1 → Feb 28)."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def month_bounds(day: date) -> tuple[date, date]:
    """First day of the month and first day of the next month."""
    first = day.replace(day=1)
    return first, add_months(first, 1)


def year_bounds(day: date) -> tuple[date, date]:
    return date(day.year, 1, 1), date(day.year + 1, 1, 1)


def next_month_day(after: date, month: int, day: int) -> date:
    """The first date strictly after `after` that is month/day (day clamped to month end)."""
    for year in (after.year, after.year + 1):
        last = _cal.monthrange(year, month)[1]
        candidate = date(year, month, min(day, last))
        if candidate > after:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def one_day() -> timedelta:
    return timedelta(days=1)
