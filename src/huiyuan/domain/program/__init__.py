"""The program model: everything a membership scheme says, as frozen data.

A scheme is configured, never coded: the engine has a closed set of general rule kinds
(``EarningKind``, ``BenefitKind``, ``ExpiryKind``, ``Metric``) and a program file picks and
parameterises them. Amounts and rates are written as strings ("0.05", "1000.00") so that no
float ever enters the money path; a float in a program file is an error. One module per
section of a program file; every name is importable from here.
"""

from .base import Condition, Exclusion, Frozen, MoneyField, Rate, Reason
from .benefits import BenefitKind, BenefitRule, Benefits, PromotionPolicy
from .earning import (
    CheckIn,
    Earning,
    EarningKind,
    EarningRule,
    Multiplier,
    RateBand,
    Referral,
    ReferralKind,
    ReviewAward,
)
from .expiry import Expiry, ExpiryKind
from .guides import ClassBand, Classes, ClassMetric, GuideRules, PlannedTask, ServicePlan, TaskKind
from .membership import (
    MEMBER_FIELDS,
    Access,
    Activation,
    CardlessField,
    Cards,
    JoinCondition,
    JoinKind,
    LossChannel,
    Membership,
    StaffRole,
)
from .model import Program
from .notify import Care, Channel, Notify, Reminders
from .perks import Delivery, DeliveryZone, Entitlement, EntitlementPeriod, Lottery, SharedAccounts
from .rewards import Offset, Reservation, Reward, RewardKind, Rewards, Window
from .stored_value import DepositAccrual, DepositRebate, ReferralReward, StoredValue
from .tiers import Application, Approval, Metric, Qualification, ReviewKind, Tier, TierReview

__all__ = [
    "MEMBER_FIELDS",
    "Access",
    "Activation",
    "Application",
    "Approval",
    "BenefitKind",
    "BenefitRule",
    "Benefits",
    "CardlessField",
    "Cards",
    "Care",
    "Channel",
    "CheckIn",
    "ClassBand",
    "ClassMetric",
    "Classes",
    "Condition",
    "Delivery",
    "DeliveryZone",
    "DepositAccrual",
    "DepositRebate",
    "Earning",
    "EarningKind",
    "EarningRule",
    "Entitlement",
    "EntitlementPeriod",
    "Exclusion",
    "Expiry",
    "ExpiryKind",
    "Frozen",
    "GuideRules",
    "JoinCondition",
    "JoinKind",
    "LossChannel",
    "Lottery",
    "Membership",
    "Metric",
    "MoneyField",
    "Multiplier",
    "Notify",
    "Offset",
    "PlannedTask",
    "Program",
    "PromotionPolicy",
    "Qualification",
    "Rate",
    "RateBand",
    "Reason",
    "Referral",
    "ReferralKind",
    "ReferralReward",
    "Reminders",
    "Reservation",
    "ReviewAward",
    "ReviewKind",
    "Reward",
    "RewardKind",
    "Rewards",
    "ServicePlan",
    "SharedAccounts",
    "StaffRole",
    "StoredValue",
    "TaskKind",
    "Tier",
    "TierReview",
    "Window",
]
