"""Templates (zh-CN first, en) and the pure timing rules (quiet hours, backoff)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from huiyuan.domain.program import Notify
from huiyuan.notify.policy import backoff, is_quiet, next_allowed
from huiyuan.notify.templates import CARE_KINDS, LOCALES, TEMPLATES, render

SH = ZoneInfo("Asia/Shanghai")
PARAMS = {
    "program": "导购会员",
    "program_en": "Guide store",
    "name": "王芳",
    "points": 120,
    "last_day": "2026-12-31",
    "days": 30,
    "tier_from": "普通",
    "tier_to": "银牌",
    "tier_from_en": "Regular",
    "tier_to_en": "Silver",
    "tier_en": "Gold card",
    "metric_en": "cumulative points",
    "day": "2026-06-01",
    "tier": "金卡",
    "metric": "累计积分",
    "value": "5000",
    "fee": "50.00",
    "start": "2026-03-25",
    "end": "2026-03-31",
    "month": "2026-06",
    "expiring": "",
    "signature": "—— 您的专属导购 李娜（S01）",
    "signature_en": "— Li Na, your guide at S01",
    "festival": "中秋节",
    "festival_en": "Mid-Autumn Festival",
    "wish": "花好月圆",
    "wish_en": "May the moon shine on you.",
    "term": "立秋",
    "term_en": "the Beginning of Autumn",
    "advice": "早晚转凉",
    "advice_en": "take a layer with you.",
}
# Sales talk a greeting must not carry: prices, discounts, points, offers, invitations to buy.
SALES = re.compile(
    r"折|优惠|积分|促销|活动|购|买|元|价|券|sale|discount|point|offer|buy|shop|price|coupon|%",
    re.IGNORECASE,
)


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_template_renders_in_chinese_and_english(kind):
    assert set(TEMPLATES[kind]) == set(LOCALES)
    zh = render(kind, "zh-CN", PARAMS)
    en = render(kind, "en", PARAMS)
    for text in (zh.subject, zh.body, en.subject, en.body):
        assert text and "{" not in text and "}" not in text
    assert re.search(r"[\u4e00-\u9fff]", zh.body)  # Chinese first: the default locale
    assert not re.search(r"[\u4e00-\u9fff]", en.body.replace(PARAMS["name"], ""))
    # An unknown locale falls back to Chinese.
    assert render(kind, "fr", PARAMS) == zh


@pytest.mark.parametrize("kind", sorted(CARE_KINDS))
def test_care_messages_carry_no_sales_talk(kind):
    for locale in LOCALES:
        text = render(kind, locale, PARAMS)
        signature = str(PARAMS["signature" if locale == "zh-CN" else "signature_en"])
        assert signature in text.body
        greeting = text.subject + text.body.replace(signature, "")  # 导购 is not sales talk
        assert not SALES.search(greeting), (kind, locale, text)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_quiet_hours_run_from_21_to_8_local_time():
    policy = Notify()
    assert not is_quiet(policy, at("2026-06-01T20:59:59+08:00"), SH)
    assert is_quiet(policy, at("2026-06-01T21:00:00+08:00"), SH)
    assert is_quiet(policy, at("2026-06-02T07:59:59+08:00"), SH)
    assert not is_quiet(policy, at("2026-06-02T08:00:00+08:00"), SH)
    # 13:30 UTC is 21:30 in Shanghai: delayed to 08:00 the next morning, never dropped.
    assert next_allowed(policy, datetime(2026, 6, 1, 13, 30, tzinfo=UTC), SH) == at(
        "2026-06-02T08:00:00+08:00"
    )
    # After midnight: the same morning.
    assert next_allowed(policy, at("2026-06-02T02:00:00+08:00"), SH) == at(
        "2026-06-02T08:00:00+08:00"
    )
    assert next_allowed(policy, at("2026-06-02T09:00:00+08:00"), SH) == at(
        "2026-06-02T09:00:00+08:00"
    )
    # Quiet hours inside one day, and none at all.
    day = Notify(quiet_start="12:00", quiet_end="14:00")
    assert is_quiet(day, at("2026-06-02T13:00:00+08:00"), SH)
    assert not is_quiet(day, at("2026-06-02T23:00:00+08:00"), SH)
    assert not is_quiet(
        Notify(quiet_start="00:00", quiet_end="00:00"), at("2026-06-02T03:00:00+08:00"), SH
    )


def test_backoff_doubles_from_retry_seconds_up_to_six_hours():
    policy = Notify(retry_seconds=60)
    assert [backoff(policy, n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert backoff(policy, 20) == timedelta(hours=6)
