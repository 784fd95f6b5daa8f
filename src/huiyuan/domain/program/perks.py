"""Perks beside points: entitlements a member claims, the points lottery, shared accounts and
priced delivery."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from .base import Frozen, MoneyField, Rate, check_festivals


class EntitlementPeriod(StrEnum):
    BIRTHDAY_DAY = "birthday_day"  # on the birthday itself, once a year
    BIRTHDAY_MONTH = "birthday_month"  # in the birthday month, `per_period` times
    FESTIVAL = "festival"  # around each listed festival, once each
    YEAR = "year"
    MONTH = "month"
    UNLIMITED = "unlimited"  # a standing free service


class Entitlement(Frozen):
    """Something a member may claim (生日礼品, 免费清洗, 节日礼品), recorded when consumed."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,39}$")
    name: str
    name_en: str
    period: EntitlementPeriod
    per_period: int = Field(default=1, ge=1)
    tiers: tuple[str, ...] = ()  # empty: every tier
    festivals: tuple[str, ...] = ()  # festival: which ones (see domain/festivals.py)
    window_days: int = Field(default=7, ge=0)  # festival: claimable this many days before
    voucher_value: MoneyField | None = None  # consuming it issues a voucher of this value
    voucher_valid_days: int | None = Field(default=None, ge=1)
    needs_id_check: bool = False  # staff must check the card and ID document

    @model_validator(mode="after")
    def _check(self) -> Entitlement:
        if self.period is EntitlementPeriod.FESTIVAL and not self.festivals:
            raise ValueError("a festival entitlement needs festivals")
        check_festivals(self.festivals)
        return self


class Lottery(Frozen):
    """A points lottery (积分抽奖): a draw costs points; the win rate depends on the tier."""

    points: int = Field(ge=0)
    win_rates: dict[str, Rate]  # tier → chance of winning; tiers not listed cannot enter
    prize: str  # a reward code from the catalogue, given on a win

    @model_validator(mode="after")
    def _check(self) -> Lottery:
        if any(rate > 1 for rate in self.win_rates.values()):
            raise ValueError("a win rate is at most 1")
        return self


class SharedAccounts(Frozen):
    """Authorised users of a member's account (counter): they may earn into it; anyone but
    the holder spending its points needs a consent record."""

    max_users: int = Field(default=10, ge=1)
    consent_required: bool = True


class DeliveryZone(Frozen):
    code: str
    name: str
    name_en: str
    base: MoneyField = Decimal("0.00")
    per_item: MoneyField = Decimal("0.00")


class Delivery(Frozen):
    zones: tuple[DeliveryZone, ...] = Field(min_length=1)
