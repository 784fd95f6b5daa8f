"""Whether an entitlement can be claimed on a day, which period a claim uses up, and how many
claims the period has left."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import MonthDay
from .festivals import NAMES_ZH, festival_date
from .program import Entitlement, EntitlementPeriod

USED_UP = "本期已用完 / used up"


@dataclass(frozen=True)
class Claimable:
    period_key: str | None  # None: not claimable on this day
    reason: str = ""


def _on_birthday(ent: Entitlement, birthday: MonthDay | None, day: date) -> Claimable:
    if birthday is None:
        return Claimable(None, "未登记生日 / no birthday on file")
    if not birthday.is_on(day):
        return Claimable(None, "仅限生日当天 / on the birthday only")
    return Claimable(f"{day.year}")


def _in_birthday_month(ent: Entitlement, birthday: MonthDay | None, day: date) -> Claimable:
    if birthday is None:
        return Claimable(None, "未登记生日 / no birthday on file")
    if not birthday.is_month_of(day):
        return Claimable(None, "仅限生日当月 / in the birthday month only")
    return Claimable(f"{day.year}-{day.month:02d}")


def _around_festival(ent: Entitlement, birthday: MonthDay | None, day: date) -> Claimable:
    for code in ent.festivals:
        for year in (day.year, day.year + 1):
            when = festival_date(code, year)
            if when - timedelta(days=ent.window_days) <= day <= when:
                return Claimable(f"{code}-{when.isoformat()}")
    names = "、".join(NAMES_ZH.get(c, c) for c in ent.festivals)
    return Claimable(None, f"仅限{names}前后 / around {', '.join(ent.festivals)} only")


def _year(ent: Entitlement, birthday: MonthDay | None, day: date) -> Claimable:
    return Claimable(f"{day.year}")


def _month(ent: Entitlement, birthday: MonthDay | None, day: date) -> Claimable:
    return Claimable(f"{day.year}-{day.month:02d}")


def _standing(ent: Entitlement, birthday: MonthDay | None, day: date) -> Claimable:
    return Claimable("standing")


_PERIODS: dict[EntitlementPeriod, Callable[[Entitlement, MonthDay | None, date], Claimable]] = {
    EntitlementPeriod.BIRTHDAY_DAY: _on_birthday,
    EntitlementPeriod.BIRTHDAY_MONTH: _in_birthday_month,
    EntitlementPeriod.FESTIVAL: _around_festival,
    EntitlementPeriod.YEAR: _year,
    EntitlementPeriod.MONTH: _month,
    EntitlementPeriod.UNLIMITED: _standing,
}


def claimable(ent: Entitlement, tier: str, birthday: MonthDay | None, day: date) -> Claimable:
    if ent.tiers and tier not in ent.tiers:
        return Claimable(None, "会员等级不享有 / not offered at this tier")
    return _PERIODS[ent.period](ent, birthday, day)


def remaining(ent: Entitlement, used: int) -> int | None:
    """Claims left in a period after `used` of them; None: no limit (a standing service)."""
    if ent.period is EntitlementPeriod.UNLIMITED:
        return None
    return max(ent.per_period - used, 0)
