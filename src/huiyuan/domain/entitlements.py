"""Whether an entitlement can be claimed on a day, and which period a claim uses up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import MonthDay
from .festivals import NAMES_ZH, festival_date
from .program import Entitlement, EntitlementPeriod


@dataclass(frozen=True)
class Claimable:
    period_key: str | None  # None: not claimable on this day
    reason: str = ""


def claimable(ent: Entitlement, tier: str, birthday: MonthDay | None, day: date) -> Claimable:
    if ent.tiers and tier not in ent.tiers:
        return Claimable(None, "会员等级不享有 / not offered at this tier")
    period = ent.period
    if period in (EntitlementPeriod.BIRTHDAY_DAY, EntitlementPeriod.BIRTHDAY_MONTH):
        if birthday is None:
            return Claimable(None, "未登记生日 / no birthday on file")
        if period is EntitlementPeriod.BIRTHDAY_DAY:
            if not birthday.is_on(day):
                return Claimable(None, "仅限生日当天 / on the birthday only")
            return Claimable(f"{day.year}")
        if not birthday.is_month_of(day):
            return Claimable(None, "仅限生日当月 / in the birthday month only")
        return Claimable(f"{day.year}-{day.month:02d}")
    if period is EntitlementPeriod.FESTIVAL:
        for code in ent.festivals:
            for year in (day.year, day.year + 1):
                when = festival_date(code, year)
                if when - timedelta(days=ent.window_days) <= day <= when:
                    return Claimable(f"{code}-{when.isoformat()}")
        names = "、".join(NAMES_ZH.get(c, c) for c in ent.festivals)
        return Claimable(None, f"仅限{names}前后 / around {', '.join(ent.festivals)} only")
    if period is EntitlementPeriod.YEAR:
        return Claimable(f"{day.year}")
    if period is EntitlementPeriod.MONTH:
        return Claimable(f"{day.year}-{day.month:02d}")
    return Claimable("standing")
