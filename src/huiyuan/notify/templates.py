"""Message templates, Chinese first and English second.

A template is a (subject, body) pair of `str.format` strings per locale. Parameters whose text
differs by language come twice: `tier` and `tier_en`, `festival` and `festival_en`. Care
messages (birthday, festival, season, miss_you) are greetings only: no prices, discounts,
points or invitations to buy (tests/notify/test_templates.py checks every one of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain.records.guides import Guide

LOCALES = ("zh-CN", "en")
CARE_KINDS = frozenset({"birthday", "festival", "season", "miss_you"})

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "expiry_reminder": {
        "zh-CN": (
            "{program}：积分即将到期",
            "【{program}】{name}您好，您有 {points} 积分将于 {last_day} 24:00 到期"
            "（还剩 {days} 天），请在到期前使用。",
        ),
        "en": (
            "{program_en}: points about to expire",
            "{program_en}: Dear {name}, {points} of your points expire at the end of "
            "{last_day} ({days} day(s) left). Please use them before then.",
        ),
    },
    "tier_changed": {
        "zh-CN": (
            "{program}：会员等级变更",
            "【{program}】{name}您好，您的会员等级已由「{tier_from}」变更为「{tier_to}」，"
            "自 {day} 起生效。",
        ),
        "en": (
            "{program_en}: your membership tier changed",
            "{program_en}: Dear {name}, your tier changed from {tier_from_en} to {tier_to_en} "
            "as of {day}.",
        ),
    },
    "upgrade_possible": {
        "zh-CN": (
            "{program}：可申请升级",
            "【{program}】{name}您好，您的{metric}已达 {value}，可申请升级为「{tier}」"
            "（申请费 {fee} 元）。欢迎到店或联系导购办理。",
        ),
        "en": (
            "{program_en}: you may apply for an upgrade",
            "{program_en}: Dear {name}, your {metric_en} reached {value}: you may apply for "
            "{tier_en} (fee {fee} yuan) in store or through your guide.",
        ),
    },
    "redemption_window": {
        "zh-CN": (
            "{program}：积分兑换活动开始",
            "【{program}】{name}您好，本期积分兑换活动 {start} 至 {end} 开放，"
            "您现有 {points} 积分，请携会员卡和身份证件到服务台兑换。",
        ),
        "en": (
            "{program_en}: points redemption is open",
            "{program_en}: Dear {name}, points redemption is open from {start} to {end}. You "
            "have {points} points; bring your card and ID to the service desk.",
        ),
    },
    "balance_statement": {
        "zh-CN": (
            "{program}：{month} 积分余额公布",
            "【{program}】{name}您好，截至 {day}，您的积分余额为 {points}。{expiring}",
        ),
        "en": (
            "{program_en}: points balance for {month}",
            "{program_en}: Dear {name}, your points balance on {day} is {points}. {expiring_en}",
        ),
    },
    "birthday": {
        "zh-CN": (
            "生日快乐",
            "{name}，祝您生日快乐！愿您新的一岁身体健康、平安喜乐。{signature}",
        ),
        "en": (
            "Happy birthday",
            "Dear {name}, happy birthday! Wishing you health and happiness in the year "
            "ahead. {signature_en}",
        ),
    },
    "festival": {
        "zh-CN": (
            "{festival}快乐",
            "{name}，{festival}到了，祝您和家人{festival}快乐，{wish}！{signature}",
        ),
        "en": (
            "Happy {festival_en}",
            "Dear {name}, happy {festival_en} to you and your family. {wish_en} {signature_en}",
        ),
    },
    "season": {
        "zh-CN": (
            "今日{term}",
            "{name}，今日{term}，{advice}。{signature}",
        ),
        "en": (
            "{term_en} today",
            "Dear {name}, today is {term_en}: {advice_en} {signature_en}",
        ),
    },
    "miss_you": {
        "zh-CN": (
            "好久不见",
            "{name}，好久不见，我们很想念您。最近一切可好？天气多变，请多保重。{signature}",
        ),
        "en": (
            "We miss you",
            "Dear {name}, it has been a while and we miss you. We hope all is well; please "
            "take good care. {signature_en}",
        ),
    },
}

FESTIVAL_EN = {
    "spring_festival": "Spring Festival",
    "lantern": "Lantern Festival",
    "dragon_boat": "Dragon Boat Festival",
    "qixi": "Qixi Festival",
    "mid_autumn": "Mid-Autumn Festival",
    "double_ninth": "Double Ninth Festival",
    "new_year": "New Year",
    "womens_day": "Women's Day",
    "labour_day": "Labour Day",
    "national_day": "National Day",
    "christmas": "Christmas",
}
FESTIVAL_WISH = {
    "spring_festival": ("阖家幸福、万事如意", "May the new year bring you joy and good health."),
    "dragon_boat": ("安康顺遂", "Wishing you good health and peace."),
    "mid_autumn": ("花好月圆、团圆美满", "May you enjoy the full moon with those you love."),
}
DEFAULT_WISH = ("平安喜乐", "Wishing you peace and happiness.")

# Season changes by the four 立 solar terms: (English, advice zh, advice en).
SEASONS = {
    "立春": (
        "the Beginning of Spring",
        "春寒料峭，早晚仍凉，注意保暖",
        "mornings are still cold, keep warm.",
    ),
    "立夏": (
        "the Beginning of Summer",
        "天气渐热，注意防暑、多喝水",
        "it is getting hot, stay cool and drink water.",
    ),
    "立秋": (
        "the Beginning of Autumn",
        "早晚转凉，注意适时添衣",
        "evenings turn cool, take a layer with you.",
    ),
    "立冬": ("the Beginning of Winter", "天气转冷，注意防寒保暖", "the cold is coming, keep warm."),
}


def signature(program_name: str, guide: Guide | None, store: str | None) -> tuple[str, str]:
    """(zh, en) signature of a care message: the guide and their store, else the member's
    store, else the program."""
    if guide is not None:
        name, where = guide.name, guide.store or store
        if where:
            return f"—— 您的专属导购 {name}（{where}）", f"— {name}, your guide at {where}"
        return f"—— 您的专属导购 {name}", f"— {name}, your guide"
    if store:
        return f"—— {program_name} {store} 全体同事", f"— everyone at {program_name} {store}"
    return f"—— {program_name}", f"— {program_name}"


def care_wording(kind: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The words a care message adds to what decided it: a festival's wish, a season's advice."""
    if kind == "festival":
        code = str(params["festival_code"])
        wish, wish_en = FESTIVAL_WISH.get(code, DEFAULT_WISH)
        return {"festival_en": FESTIVAL_EN.get(code, code), "wish": wish, "wish_en": wish_en}
    if kind == "season":
        term_en, advice, advice_en = SEASONS[str(params["term"])]
        return {"term_en": term_en, "advice": advice, "advice_en": advice_en}
    return {}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


class _Params(dict[str, Any]):
    """Missing English variants fall back to the plain value (`tier_en` → `tier`)."""

    def __missing__(self, key: str) -> Any:
        if key.endswith("_en") and key[:-3] in self:
            return self[key[:-3]]
        return ""


def render(kind: str, locale: str, params: Mapping[str, Any]) -> Rendered:
    if kind not in TEMPLATES:
        raise KeyError(f"no template {kind!r}")
    variants = TEMPLATES[kind]
    subject, body = variants.get(locale) or variants["zh-CN"]
    values = _Params(params)
    return Rendered(subject.format_map(values).strip(), body.format_map(values).strip())
