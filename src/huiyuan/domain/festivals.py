"""Festivals by business date: lunar (春节, 端午, 中秋) from a lunar calendar, and fixed ones."""

from __future__ import annotations

from datetime import date

from lunardate import LunarDate

# Lunar festivals: (lunar month, lunar day).
LUNAR = {
    "spring_festival": (1, 1),  # 春节
    "lantern": (1, 15),  # 元宵
    "dragon_boat": (5, 5),  # 端午
    "qixi": (7, 7),  # 七夕
    "mid_autumn": (8, 15),  # 中秋
    "double_ninth": (9, 9),  # 重阳
}
# Solar festivals: (month, day).
SOLAR = {
    "new_year": (1, 1),  # 元旦
    "womens_day": (3, 8),
    "labour_day": (5, 1),
    "national_day": (10, 1),
    "christmas": (12, 25),
}
NAMES_ZH = {
    "spring_festival": "春节",
    "lantern": "元宵节",
    "dragon_boat": "端午节",
    "qixi": "七夕",
    "mid_autumn": "中秋节",
    "double_ninth": "重阳节",
    "new_year": "元旦",
    "womens_day": "妇女节",
    "labour_day": "劳动节",
    "national_day": "国庆节",
    "christmas": "圣诞节",
}
KNOWN = frozenset(LUNAR) | frozenset(SOLAR)


def festival_date(code: str, year: int) -> date:
    """The Gregorian date of a festival in a Gregorian year."""
    if code in SOLAR:
        month, day = SOLAR[code]
        return date(year, month, day)
    if code in LUNAR:
        month, day = LUNAR[code]
        return LunarDate(year, month, day).to_solar_date()
    raise KeyError(f"unknown festival {code!r}; known: {sorted(KNOWN)}")
