"""Care messages (关怀) due for a member on a business date: pure rules, no I/O.

- Birthday on the day: Feb 29 falls on Feb 28 in common years; a lunar birthday (the
  member's month-day read as a lunar month-day) falls on that lunar date, a 30th that the
  lunar month lacks on its 29th, never in a leap month.
- Festivals by code (`domain/festivals.py`: 春节, 端午, 中秋 from the lunar calendar; 元旦, 国庆
  fixed).
- Season changes on the four 立 solar terms (立春, 立夏, 立秋, 立冬; chinesecalendar).
- "We miss you" once the member has not visited for `miss_you_days` (last purchase, or joining):
  once per absence (the key is the last visit's date).
Each notice has a key that makes it once per member: the job enqueues it with that key.
"""

from __future__ import annotations

from datetime import date

from lunardate import LunarDate

from .calendar import MonthDay
from .festivals import NAMES_ZH, festival_date
from .program import Care
from .reminders import Notice

SEASON_TERMS = ("立春", "立夏", "立秋", "立冬")


def _lunar_has_30(year: int, month: int) -> bool:
    try:
        LunarDate(year, month, 30).to_solar_date()
    except ValueError:
        return False
    return True


def is_lunar_birthday(birthday: MonthDay, day: date) -> bool:
    try:
        lunar = LunarDate.from_solar_date(day.year, day.month, day.day)
    except (ValueError, NotImplementedError, IndexError):
        return False
    if lunar.is_leap_month or lunar.month != birthday.month:
        return False
    if lunar.day == birthday.day:
        return True
    # Born on a 30th: in a lunar month of 29 days the birthday is its 29th.
    return birthday.day == 30 and lunar.day == 29 and not _lunar_has_30(lunar.year, lunar.month)


def is_birthday(birthday: MonthDay, day: date, lunar: bool = False) -> bool:
    return is_lunar_birthday(birthday, day) if lunar else birthday.is_on(day)


def festivals_on(day: date, codes: tuple[str, ...]) -> list[str]:
    out = []
    for code in codes:
        try:
            if festival_date(code, day.year) == day:
                out.append(code)
        except (ValueError, NotImplementedError, IndexError):
            continue  # outside the lunar calendar's years
    return out


def season_term_on(day: date) -> str | None:
    """立春, 立夏, 立秋 or 立冬 when `day` is one of them, else None."""
    import chinese_calendar

    try:
        terms = chinese_calendar.get_solar_terms(day, day)
    except NotImplementedError:  # outside 1900–2100
        return None
    for _, name in terms:
        if name in SEASON_TERMS:
            return str(name)
    return None


def care_due(
    care: Care,
    day: date,
    birthday: str | None,
    lunar_birthday: bool,
    last_visit: date,
    customer_class: str | None,
) -> list[Notice]:
    """The care messages a member is due on `day` under the program's `[care]`."""
    if care.classes and customer_class not in care.classes:
        return []
    return [
        *_birthday(care, day, birthday, lunar_birthday, customer_class),
        *_festivals(care, day),
        *_season(care, day),
        *_miss_you(care, day, last_visit),
    ]


def _birthday(
    care: Care, day: date, birthday: str | None, lunar: bool, customer_class: str | None
) -> list[Notice]:
    classes = care.birthday_classes or care.classes
    if not care.birthday or not birthday or (classes and customer_class not in classes):
        return []
    try:
        born = MonthDay.parse(birthday)
    except ValueError:
        return []
    if not is_birthday(born, day, lunar):
        return []
    return [Notice("birthday", f"birthday:{day.isoformat()}", {"lunar": lunar})]


def _festivals(care: Care, day: date) -> list[Notice]:
    return [
        Notice(
            "festival",
            f"festival:{code}:{day.year}",
            {"festival_code": code, "festival": NAMES_ZH.get(code, code)},
        )
        for code in festivals_on(day, care.festivals)
    ]


def _season(care: Care, day: date) -> list[Notice]:
    term = season_term_on(day) if care.seasons else None
    if term is None:
        return []
    return [Notice("season", f"season:{term}:{day.year}", {"term": term})]


def _miss_you(care: Care, day: date, last_visit: date) -> list[Notice]:
    away = (day - last_visit).days
    if not care.miss_you_days or away < care.miss_you_days:
        return []
    params = {"last_visit": last_visit.isoformat(), "days": away}
    return [Notice("miss_you", f"miss_you:{last_visit.isoformat()}", params)]
