"""The program model: everything a membership scheme says, as frozen data.

A scheme is configured, never coded: the engine has a closed set of general rule kinds
(``EarningKind``, ``BenefitKind``, ``ExpiryKind``, ``Metric``) and a program file picks and
parameterises them. Amounts and rates are written as strings ("0.05", "1000.00") so that no
float ever enters the money path; a float in a program file is an error.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .money import exact, money


def _no_float_money(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('write amounts as strings, e.g. "50.00" (floats are not exact)')
    if isinstance(value, int | str | Decimal) and not isinstance(value, bool):
        return money(value)
    return value


def _no_float_exact(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('write rates as strings, e.g. "0.05" (floats are not exact)')
    if isinstance(value, int | str | Decimal) and not isinstance(value, bool):
        return exact(value)
    return value


MoneyField = Annotated[Decimal, BeforeValidator(_no_float_money), Field(ge=0)]
Rate = Annotated[Decimal, BeforeValidator(_no_float_exact), Field(ge=0)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(Frozen):
    """Why a rule did or did not apply, in Chinese first and English second."""

    zh: str
    en: str

    def text(self) -> str:
        return f"{self.zh} / {self.en}"


class Condition(Frozen):
    """When a rule applies to a line. Every field given must hold; empty means "any"."""

    categories: tuple[str, ...] = ()
    not_categories: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # the line has at least one of these flags
    not_flags: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # member kinds: personal, unit, group
    unit_price_below: MoneyField | None = None
    unit_price_at_least: MoneyField | None = None
    price_ratio_at_least: Rate | None = None  # price / list_price
    price_ratio_below: Rate | None = None
    birthday: Literal["day", "month"] | None = None
    anniversary: bool = False
    card_presented: bool | None = None


class Exclusion(Condition):
    """Lines matching this get nothing from the rule list it belongs to, and say why."""

    reason: Reason


# ----------------------------------------------------------------------------- earning


class EarningKind(StrEnum):
    PER_AMOUNT = "per_amount"  # 1 point (or N) per X paid on each line, rounded down per line
    STEPS = "steps"  # N points per full X of the receipt's points base
    PERCENT = "percent"  # a rebate % of paid, by price/list band, yuan → points 1:1
    PERCENT_OF_DISCOUNT = "percent_of_discount"  # the line's 1× member discount × a multiple


class RateBand(Frozen):
    price_ratio_at_least: Rate = Decimal(0)
    rate: Rate


class EarningRule(Frozen):
    kind: EarningKind
    when: Condition = Condition()
    per: MoneyField | None = None  # per_amount, steps: the money for one step
    points: int = Field(default=1, ge=0)  # per step
    points_by_tier: dict[str, int] = Field(default_factory=dict)
    carry_over: bool = False  # steps: the remainder below `per` carries to the next receipt
    bands: tuple[RateBand, ...] = ()  # percent
    base_rate: Rate | None = None  # percent_of_discount: the 1× discount as a share of list
    reason: Reason | None = None  # said on lines this rule priced

    @model_validator(mode="after")
    def _check(self) -> EarningRule:
        steps = self.kind in (EarningKind.PER_AMOUNT, EarningKind.STEPS)
        if steps and (self.per is None or self.per <= 0):
            raise ValueError(f"{self.kind.value} needs per > 0")
        if self.kind is EarningKind.PERCENT and not self.bands:
            raise ValueError("percent needs at least one band")
        if self.kind is EarningKind.PERCENT_OF_DISCOUNT and self.base_rate is None:
            raise ValueError("percent_of_discount needs base_rate")
        return self

    def step_points(self, tier: str) -> int:
        return self.points_by_tier.get(tier, self.points)


class Multiplier(Condition):
    """Multiplies the exact points of matching lines (tier ×2, birthday double, ×1.5 SKUs).

    Multipliers sharing a `group` do not stack: the largest that holds applies (a birthday that
    is also the wedding anniversary doubles once).
    """

    factor: Rate = Decimal(1)
    group: str | None = None
    by_tier: dict[str, Rate] = Field(default_factory=dict)
    by_group_level: dict[str, Rate] = Field(default_factory=dict)
    reason: Reason | None = None


class ReferralKind(StrEnum):
    SHARE = "share"  # the referrer earns a share of each purchase of the member they referred
    FIRST_PURCHASE = "first_purchase"  # fixed points on the referred member's first purchase


class Referral(Frozen):
    kind: ReferralKind
    rate: Rate = Decimal(0)  # share: of the referred receipt's points, rounded down
    points: int = Field(default=0, ge=0)  # first_purchase
    referrer_tiers: tuple[str, ...] = ()  # empty: any tier
    reason: Reason | None = None


class CheckIn(Frozen):
    points: int = Field(ge=0)
    streak_days: int | None = Field(default=None, ge=2)
    streak_bonus: int = Field(default=0, ge=0)


class ReviewAward(Frozen):
    points: int = Field(ge=0)


class Earning(Frozen):
    rules: tuple[EarningRule, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    multipliers: tuple[Multiplier, ...] = ()
    referrals: tuple[Referral, ...] = ()
    check_in: CheckIn | None = None
    review: ReviewAward | None = None


# ----------------------------------------------------------------------------- benefits


class BenefitKind(StrEnum):
    PERCENT_OFF = "percent_off"  # a share off the line's price, by tier (折上折 with a condition)
    MEMBER_PRICE = "member_price"  # the line's member_price for flagged SKUs
    MULTIPLE_OF_BASE = "multiple_of_base"  # N × a base share of the list price (N倍会员折扣)
    PER_GRAM = "per_gram"  # money off per gram of the line's weight, by tier
    CATEGORY_CLASS = "category_class"  # a share off by the member's class in the line's category


class BenefitRule(Frozen):
    kind: BenefitKind
    when: Condition = Condition()
    # percent_off: tier → share off (0.10 = 9折); category_class: class → share off.
    rates: dict[str, Rate] = Field(default_factory=dict)
    base_rate: Rate | None = None  # multiple_of_base: the 1× share of the list price
    multiples: dict[str, Rate] = Field(default_factory=dict)  # multiple_of_base: tier → N
    multiples_by_group_level: dict[str, Rate] = Field(default_factory=dict)
    amounts: dict[str, MoneyField] = Field(default_factory=dict)  # per_gram: tier → yuan/gram
    reason: Reason | None = None

    @model_validator(mode="after")
    def _check(self) -> BenefitRule:
        if self.kind is BenefitKind.MULTIPLE_OF_BASE and self.base_rate is None:
            raise ValueError("multiple_of_base needs base_rate")
        if self.kind is BenefitKind.PER_GRAM and not self.amounts:
            raise ValueError("per_gram needs amounts by tier")
        if self.kind in (BenefitKind.PERCENT_OFF, BenefitKind.CATEGORY_CLASS) and not self.rates:
            raise ValueError(f"{self.kind.value} needs rates")
        return self


class PromotionPolicy(StrEnum):
    STACK = "stack"  # the member benefit applies on top of the promotion price
    BEST_OF = "best_of"  # the better of promotion and member benefit, never both
    PROMOTION_ONLY = "promotion_only"  # only the promotion: no member benefit


class Benefits(Frozen):
    rules: tuple[BenefitRule, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    promotion: PromotionPolicy = PromotionPolicy.STACK


# ----------------------------------------------------------------------------- tiers


class Metric(StrEnum):
    CUMULATIVE_SPEND = "cumulative_spend"
    ANNUAL_SPEND = "annual_spend"  # calendar year of the receipt
    MEMBERSHIP_YEAR_SPEND = "membership_year_spend"
    WINDOW_SPEND = "window_spend"  # trailing `days`
    WINDOW_ORDERS = "window_orders"
    SINGLE_RECEIPT = "single_receipt"
    CUMULATIVE_POINTS = "cumulative_points"
    # Measured by the evaluate_tiers job (and by deposits), never by a receipt:
    TIER_YEAR_SPEND = "tier_year_spend"  # paid in the card year of the tier held (liquor)
    PREVIOUS_YEAR_SPEND = "previous_year_spend"  # paid in the year before the review (guide_store)
    STORED_VALUE = "stored_value"  # stored-value balance at the moment (liquor unit cards)
    DEPOSIT = "deposit"  # the amount of one deposit, on that deposit (liquor unit cards)
    ATTRIBUTE = "attribute"  # a member attribute's value in effect (private_bank shares)
    NETWORK_POINTS = "network_points"  # own + direct referrals' points (bank_referral)


class Qualification(Frozen):
    metric: Metric
    at_least: Rate
    days: int | None = Field(default=None, ge=1)
    attribute: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,39}$")

    @model_validator(mode="after")
    def _days(self) -> Qualification:
        windowed = self.metric in (Metric.WINDOW_SPEND, Metric.WINDOW_ORDERS)
        if windowed and self.days is None:
            raise ValueError(f"{self.metric.value} needs days")
        if (self.metric is Metric.ATTRIBUTE) != (self.attribute is not None):
            raise ValueError("attribute (and only attribute) names the member attribute")
        return self


class Approval(StrEnum):
    AUTOMATIC = "automatic"  # granted at once when eligible and the fee is paid (fashion)
    MANAGER = "manager"  # waits for a manager to approve or refuse (guide_store)


class Application(Frozen):
    """A tier a member may apply for (有偿申请 / 申请升级): a fee, eligibility, who decides."""

    fee: MoneyField = Decimal("0.00")
    requires_any: tuple[Qualification, ...] = ()  # empty: any member may apply
    approval: Approval = Approval.AUTOMATIC


class Tier(Frozen):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_en: str
    qualify_any: tuple[Qualification, ...] = ()  # automatic upgrade when any holds
    kinds: tuple[str, ...] = ()  # member kinds that may hold the tier; empty: every kind
    # Retention, checked by the evaluate_tiers job as `tier_review` says; empty: kept for good.
    keep_any: tuple[Qualification, ...] = ()
    fall_to: str | None = None  # where a tier_year review drops to; none: the first tier
    application: Application | None = None  # the tier can be applied for

    def allows(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


# ----------------------------------------------------------------------------- classes


class ClassMetric(StrEnum):
    YEAR_POINTS = "year_points"  # points earned in the calendar year so far
    WINDOW_SPEND = "window_spend"  # paid in the trailing `days`


class ClassBand(Frozen):
    code: str
    at_least: Rate = Decimal(0)


class Classes(Frozen):
    """Customer classes (客户分级): bands over a metric, overall and optionally per category."""

    metric: ClassMetric
    days: int | None = Field(default=None, ge=1)
    bands: tuple[ClassBand, ...] = Field(min_length=1)
    per_category: bool = False
    on_receipt: bool = False  # kept up to date with every receipt (else by the job)

    @model_validator(mode="after")
    def _check(self) -> Classes:
        if self.metric is ClassMetric.WINDOW_SPEND and self.days is None:
            raise ValueError("window_spend needs days")
        return self

    def band_for(self, value: Decimal) -> str:
        best = self.bands[0].code
        for band in sorted(self.bands, key=lambda b: b.at_least):
            if value >= band.at_least:
                best = band.code
        return best


# ----------------------------------------------------------------------------- expiry


class ExpiryKind(StrEnum):
    NEVER = "never"
    CLEARING = "clearing"  # all points earned before a month-day clear at its start
    ROLLING_MONTHS = "rolling_months"  # N months after earning


class Expiry(Frozen):
    kind: ExpiryKind = ExpiryKind.NEVER
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    months: int | None = Field(default=None, ge=1)
    # Points earned on the day before the clearing count for the next period (counter: Dec 31).
    last_day_counts_next: bool = False

    @model_validator(mode="after")
    def _check(self) -> Expiry:
        if self.kind is ExpiryKind.CLEARING and (self.month is None or self.day is None):
            raise ValueError("clearing needs month and day")
        if self.kind is ExpiryKind.ROLLING_MONTHS and self.months is None:
            raise ValueError("rolling_months needs months")
        return self


# ----------------------------------------------------------------------------- membership


class JoinKind(StrEnum):
    ANY = "any"  # anyone who enrolls
    RECEIPT_AT_LEAST = "receipt_at_least"  # a single qualifying receipt
    SAME_DAY_SPEND_AT_LEAST = "same_day_spend_at_least"
    FEE = "fee"
    FIRST_PURCHASE = "first_purchase"  # joins with a first purchase of any amount (> 0.00)


class JoinCondition(Frozen):
    kind: JoinKind
    amount: MoneyField = Decimal("0.00")


class Activation(StrEnum):
    IMMEDIATE = "immediate"
    PENDING = "pending"


MEMBER_FIELDS = ("name", "phone", "birthday", "id_number", "address", "anniversary")


class Membership(Frozen):
    kinds: tuple[Literal["personal", "unit", "group"], ...] = ("personal",)
    required_fields: tuple[str, ...] = ("name", "phone")
    id_types: tuple[str, ...] = ("resident_id", "passport", "student", "military", "other")
    join_any: tuple[JoinCondition, ...] = (JoinCondition(kind=JoinKind.ANY),)
    staff_may_join: bool = True
    activation: Activation = Activation.IMMEDIATE
    auto_activate_days: int | None = Field(default=None, ge=1)
    validity_months: int | None = Field(default=None, ge=1)
    min_age: int | None = Field(default=None, ge=0)
    # Join conditions of one member kind instead of join_any (liquor: a unit joins with name and
    # phone only: `unit = [{ kind = "any" }]`).
    join_by_kind: dict[str, tuple[JoinCondition, ...]] = Field(default_factory=dict)
    group_levels: tuple[str, ...] = ()  # a group member names one of these as group_level
    renewal_fee: MoneyField = Decimal("0.00")  # POST /renew: the fee a renewal needs
    renewal_resets_tier: bool = True  # a renewed membership starts again in the first tier
    # Cancellation reasons that void the member's points (a ledger entry with the reason).
    void_points_on: tuple[str, ...] = ("fraud", "card_lending", "voluntary")

    @model_validator(mode="after")
    def _check(self) -> Membership:
        unknown = [f for f in self.required_fields if f not in MEMBER_FIELDS]
        if unknown:
            raise ValueError(f"unknown required fields {unknown}; known: {list(MEMBER_FIELDS)}")
        bad_kinds = [k for k in self.join_by_kind if k not in self.kinds]
        if bad_kinds:
            raise ValueError(f"join_by_kind names kinds not offered: {bad_kinds}")
        return self

    def join_conditions(self, kind: str) -> tuple[JoinCondition, ...]:
        return self.join_by_kind.get(kind, self.join_any)


# ----------------------------------------------------------------------------- rewards


class RewardKind(StrEnum):
    VOUCHER = "voucher"  # a money-off voucher with a code, used at checkout
    GIFT = "gift"  # goods from a catalogue, with stock
    CASH_OUT = "cash_out"  # points paid out as money
    SERVICE = "service"  # a service (cleaning, pressing) redeemed for points


class Reward(Frozen):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,39}$")
    kind: RewardKind
    name: str
    name_en: str
    # A fixed price (points → value), or priced per point: `per_points` points buy `per_value`.
    points: int | None = Field(default=None, ge=1)
    value: MoneyField | None = None
    per_points: int | None = Field(default=None, ge=1)
    per_value: MoneyField | None = None
    stock: int | None = Field(default=None, ge=0)  # none: unlimited
    valid_days: int | None = Field(default=None, ge=1)  # vouchers: days valid from issue
    tiers: tuple[str, ...] = ()  # empty: every tier

    @model_validator(mode="after")
    def _check(self) -> Reward:
        fixed = self.points is not None
        per_point = self.per_points is not None and self.per_value is not None
        if fixed == per_point:
            raise ValueError("give either points (a fixed price) or per_points and per_value")
        if self.kind is RewardKind.VOUCHER and fixed and self.value is None:
            raise ValueError("a fixed voucher needs its value")
        return self

    @property
    def per_point(self) -> bool:
        return self.points is None


class Window(Frozen):
    """When redemption is open: the last `last_days` days of the listed months."""

    months: tuple[int, ...] = Field(min_length=1)
    last_days: int = Field(ge=1, le=31)


class Reservation(Frozen):
    """Redemptions of at least `min_points` must be reserved `lead_days` ahead."""

    min_points: int = Field(ge=1)
    lead_days: int = Field(ge=1)


class Offset(Frozen):
    """Points as money at checkout (抵扣): `points` points are worth `value`."""

    points: int = Field(ge=1)
    value: MoneyField
    multiple_of: int = Field(default=1, ge=1)  # points used must be a multiple of this
    cap_share: Rate | None = None  # at most this share of the goods after member discounts
    categories: tuple[str, ...] = ()  # empty: every line
    not_flags: tuple[str, ...] = ()
    only_earlier_points: bool = True  # only points earned before this receipt


class Rewards(Frozen):
    catalogue: tuple[Reward, ...] = ()
    windows: tuple[Window, ...] = ()  # empty: always open
    minimum_points: int | None = Field(default=None, ge=1)  # one redemption uses at least this
    reservation: Reservation | None = None
    transferable: bool = False
    returnable_gifts: bool = False
    id_check_required: bool = False  # staff must check the card and ID document to redeem
    offset: Offset | None = None

    def reward(self, code: str) -> Reward | None:
        return next((r for r in self.catalogue if r.code == code), None)


# ----------------------------------------------------------------------------- entitlements


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
        from .festivals import KNOWN

        if self.period is EntitlementPeriod.FESTIVAL and not self.festivals:
            raise ValueError("a festival entitlement needs festivals")
        unknown = [f for f in self.festivals if f not in KNOWN]
        if unknown:
            raise ValueError(f"unknown festivals {unknown}; known: {sorted(KNOWN)}")
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


# ----------------------------------------------------------------------------- guides


class GuideRules(Frozen):
    """Shopping guides (导购): ownership of members, its reclaim, and commission."""

    ownership_months: int | None = Field(default=None, ge=1)  # none: ownership never lapses
    commission_rate: Rate = Decimal(0)  # of the guide's members' paid sales
    made_to_measure_flag: str | None = None  # lines with this flag are split with the company
    made_to_measure_guide_share: Rate = Decimal(1)
    feedback_hours: int = Field(default=24, ge=1)


class TaskKind(StrEnum):
    CALL = "call"
    BIRTHDAY_FLOWERS = "birthday_flowers"
    HOLIDAY_SMS = "holiday_sms"
    NEWS_SMS = "news_sms"


class PlannedTask(Frozen):
    kind: TaskKind
    every_months: int = Field(default=1, ge=1)  # call / news: every N months (from January)
    festivals: tuple[str, ...] = ("spring_festival", "mid_autumn", "national_day")  # holiday


class ServicePlan(Frozen):
    """What the owning guide does for members of some customer classes (服务计划)."""

    classes: tuple[str, ...] = Field(min_length=1)
    tasks: tuple[PlannedTask, ...] = ()
    feedback: bool = True  # feedback and complaints answered within the program's hours


# ----------------------------------------------------------------------------- cards, access


class LossChannel(StrEnum):
    PHONE = "phone"  # by telephone: name + phone + card password (PIN)
    STORE = "store"  # in person: the holder's ID document


CardlessField = Literal["card_no", "name", "phone", "password", "id_number"]


class Cards(Frozen):
    """Membership cards: how a lost card is reported and replaced, what a damaged card's
    exchange costs, how a member without the card is identified at the till, and how long
    repeated wrong card passwords lock a card's phone channel."""

    loss_channels: tuple[LossChannel, ...] = (LossChannel.STORE,)
    reissue_days: int | None = Field(default=None, ge=0)  # after the report; none: no limit
    reissue_fee: MoneyField = Decimal("0.00")
    exchange_fee: MoneyField | None = Decimal("0.00")  # damaged-card exchange; none: not offered
    pin_attempts: int = Field(default=5, ge=1, le=100)
    pin_lock_minutes: int = Field(default=30, ge=1, le=100000)
    # A purchase with card_presented = false must identify the member with all of these
    # (liquor: card number + name + phone + password); empty: nothing more is asked.
    cardless_requires: tuple[CardlessField, ...] = ()
    phone_is_account: bool = False  # a till may name the member by phone alone (counter)


StaffRole = Literal["admin", "manager", "cashier", "guide"]


class Access(Frozen):
    """Who may do what beyond the API's role table, and where a member's points may be used."""

    # Points usable only in the member's own store: a purchase or redemption naming another
    # store is refused (vip_points).
    store_bound: bool = False
    # Member data may not be changed freely: profile changes need at least this role (jewelry).
    data_changes_need_role: StaffRole | None = None


# ----------------------------------------------------------------------------- lifecycle


class ReviewKind(StrEnum):
    """How the evaluate_tiers job reviews tiers (upgrades by receipts happen at the till)."""

    NONE = "none"  # the job changes no tier
    MET = "met"  # the tier the qualifications meet at the moment, up or down (online_shop)
    TIER_YEAR = "tier_year"  # each anniversary of the tier: keep_any over that card year
    ANNUAL_STEP = "annual_step"  # each month/day: below keep_any over the year before → 1 down


class TierReview(Frozen):
    kind: ReviewKind = ReviewKind.NONE
    month: int = Field(default=1, ge=1, le=12)  # annual_step: the review date each year
    day: int = Field(default=1, ge=1, le=28)
    # met: measured as of the 1st of the job's month (levels fixed on the 1st), and an upgrade
    # met on a 1st takes effect this many 1sts later (bank_referral: 1).
    monthly: bool = False
    upgrade_delay_months: int = Field(default=0, ge=0, le=12)
    # network_points: a client (the member, or a directly referred one) counts only with own
    # points ≥ this and, if asked, a stored-value balance above zero (an active deposit).
    network_min_points: int = Field(default=0, ge=0)
    network_requires_deposit: bool = False

    @model_validator(mode="after")
    def _check(self) -> TierReview:
        if self.upgrade_delay_months and not self.monthly:
            raise ValueError("upgrade_delay_months needs monthly = true")
        return self


class DepositRebate(Frozen):
    """A deposit of at least `at_least` earns `rate` of itself as stored value (返利)."""

    at_least: MoneyField
    rate: Rate


class DepositAccrual(Frozen):
    """Points per full `per` of the lowest balance held in a calendar month (bank_referral)."""

    per: MoneyField = Field(gt=0)
    points: int = Field(ge=1)


class ReferralReward(Frozen):
    """A monthly reward to the referrer on each directly referred client's monthly deposit
    (the lowest balance the client held that month), at the referrer's tier on the 1st."""

    rates: dict[str, Rate] = Field(min_length=1)  # referrer tier → share
    cap: MoneyField | None = None  # at most this much of each client's deposit counts


class StoredValue(Frozen):
    """A stored-value account (储值) in money, with its own append-only ledger."""

    kinds: tuple[str, ...] = ()  # member kinds that may hold stored value; empty: every kind
    rebates: tuple[DepositRebate, ...] = ()  # the highest band a deposit reaches applies
    rebate_kinds: tuple[str, ...] = ()  # kinds whose deposits earn rebates; empty: every kind
    pay_purchases: bool = True  # a purchase may be paid from stored value
    accrual: DepositAccrual | None = None
    referral_reward: ReferralReward | None = None

    def rebate_rate(self, amount: Decimal, kind: str) -> Decimal:
        if self.rebate_kinds and kind not in self.rebate_kinds:
            return Decimal(0)
        rate = Decimal(0)
        for band in sorted(self.rebates, key=lambda b: b.at_least):
            if amount >= band.at_least:
                rate = band.rate
        return rate


# ----------------------------------------------------------------------------- notifications


class Channel(StrEnum):
    SMS = "sms"  # the SMS gateway (docs/sms-gateway.md)
    EMAIL = "email"  # SMTP, to the member's e-mail address (notification preferences)
    FILE = "file"  # a JSON-lines file: development and tests
    CONSOLE = "console"  # the server's standard output: development


_CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


class Notify(Frozen):
    """How messages reach members: the default channel and language, quiet hours (local time,
    nothing is sent then: a message due in them waits until they end, it is never dropped) and
    the retry policy of failed sends (exponential backoff from `retry_seconds`)."""

    channel: Channel = Channel.SMS
    locale: Literal["zh-CN", "en"] = "zh-CN"
    quiet_start: str = Field(default="21:00", pattern=_CLOCK)
    quiet_end: str = Field(default="08:00", pattern=_CLOCK)
    max_attempts: int = Field(default=8, ge=1, le=50)
    retry_seconds: int = Field(default=60, ge=1, le=86400)


class Reminders(Frozen):
    """What the `send_reminders` job tells members (each message once per member and cause)."""

    expiry_days: tuple[int, ...] = ()  # days before points expire: (30, 7, 1)
    tier_changes: bool = False  # a notice after each tier change (purchase or job)
    tier_change_days: int = Field(default=7, ge=1)  # ...that happened at most this long ago
    # Tell a member once when they become eligible to apply for a higher tier (the tier's
    # `application.requires_any`, cumulative points or spend), with the application fee.
    upgrade_notices: bool = False
    redemption_windows: bool = False  # a notice when a redemption window opens...
    redemption_min_points: int | None = Field(default=None, ge=0)  # ...to members with this many
    notice_board_more_than: int | None = Field(default=None, ge=0)  # listed on the board: > N
    balance_day: int | None = Field(default=None, ge=1, le=28)  # publish balances on this day

    @model_validator(mode="after")
    def _check(self) -> Reminders:
        if any(d < 1 for d in self.expiry_days):
            raise ValueError("expiry_days are whole days before expiry, at least 1")
        return self


class Care(Frozen):
    """Care messages (关怀) of the `send_care_messages` job: greetings with no sales talk,
    signed with the member's guide and store."""

    birthday: bool = True  # on the day; Feb 29 → Feb 28 in common years
    lunar_attribute: str = "lunar_birthday"  # a member attribute: true → the birthday is lunar
    festivals: tuple[str, ...] = ("spring_festival", "dragon_boat", "mid_autumn")
    seasons: bool = False  # season changes: 立春, 立夏, 立秋, 立冬
    miss_you_days: int = Field(default=90, ge=0)  # days without a visit; 0: off
    classes: tuple[str, ...] = ()  # only members of these customer classes; empty: everyone
    birthday_classes: tuple[str, ...] = ()  # birthday greetings only to these; empty: `classes`

    @model_validator(mode="after")
    def _check(self) -> Care:
        from .festivals import KNOWN

        unknown = sorted(set(self.festivals) - KNOWN)
        if unknown:
            raise ValueError(f"unknown festivals {unknown}; known: {sorted(KNOWN)}")
        return self


# ----------------------------------------------------------------------------- the program


class Program(Frozen):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str
    name_en: str
    timezone: str = "Asia/Shanghai"
    seed: str | None = None  # where the scheme comes from
    membership: Membership = Membership()
    tiers: tuple[Tier, ...] = Field(min_length=1)
    benefits: Benefits = Benefits()
    earning: Earning = Earning()
    expiry: Expiry = Expiry()
    classes: Classes | None = None
    rewards: Rewards = Rewards()
    entitlements: tuple[Entitlement, ...] = ()
    lottery: Lottery | None = None
    shared_accounts: SharedAccounts | None = None
    delivery: Delivery | None = None
    guides: GuideRules | None = None
    service_plans: tuple[ServicePlan, ...] = ()
    cards: Cards = Cards()
    access: Access = Access()
    notify: Notify = Notify()
    reminders: Reminders = Reminders()
    care: Care | None = None
    tier_review: TierReview = TierReview()
    stored_value: StoredValue | None = None

    @model_validator(mode="after")
    def _cross_refs(self) -> Program:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        codes = [t.code for t in self.tiers]
        if len(set(codes)) != len(codes):
            raise ValueError(f"tier codes repeat: {codes}")
        known = set(codes)
        refs: list[str] = []
        for rule in self.benefits.rules:
            refs += list(rule.when.tiers) + list(rule.multiples) + list(rule.amounts)
            if rule.kind is not BenefitKind.CATEGORY_CLASS:
                refs += list(rule.rates)
        for ref in self.earning.referrals:
            refs += list(ref.referrer_tiers)
        for reward in self.rewards.catalogue:
            refs += list(reward.tiers)
        for ent in self.entitlements:
            refs += list(ent.tiers)
        if self.lottery is not None:
            refs += list(self.lottery.win_rates)
            if self.rewards.reward(self.lottery.prize) is None:
                raise ValueError(f"lottery prize {self.lottery.prize!r} is not in the catalogue")
        rcodes = [r.code for r in self.rewards.catalogue]
        if len(set(rcodes)) != len(rcodes):
            raise ValueError(f"reward codes repeat: {rcodes}")
        for erule in self.earning.rules:
            refs += list(erule.points_by_tier) + list(erule.when.tiers)
        for mult in self.earning.multipliers:
            refs += list(mult.by_tier) + list(mult.tiers)
        for tier in self.tiers:
            refs += [tier.fall_to] if tier.fall_to else []
            odd = [k for k in tier.kinds if k not in ("personal", "unit", "group")]
            if odd:
                raise ValueError(f"tier {tier.code}: unknown member kinds {odd}")
        if self.stored_value is not None and self.stored_value.referral_reward is not None:
            refs += list(self.stored_value.referral_reward.rates)
        bad = sorted({r for r in refs if r not in known})
        if bad:
            raise ValueError(f"unknown tiers {bad}; tiers are {codes}")
        return self

    @property
    def first_tier(self) -> str:
        return self.tiers[0].code

    def tier_index(self, code: str) -> int:
        for i, tier in enumerate(self.tiers):
            if tier.code == code:
                return i
        return 0

    def tier(self, code: str) -> Tier:
        return self.tiers[self.tier_index(code)]
