"""What callers send, with the bounds of API.md; shared by the API, the CLI and imports.

One module per area; every name is importable from here too (`from .inputs import MemberIn`).
"""

from __future__ import annotations

from .cards import CardCancelIn, CardPasswordIn, IdentifyIn, ReissueIn, ReportLostIn
from .common import (
    MOMENT_YEARS,
    Code,
    GramsIn,
    IdNumberIn,
    IdType,
    MomentIn,
    MoneyIn,
    MonthDayIn,
    NameIn,
    PasswordIn,
    PhoneIn,
    PointsIn,
    PositiveMoneyIn,
    QtyIn,
    Ref,
    ShortText,
    Strict,
    body_fingerprint,
    moment,
)
from .guides import FeedbackIn, GuideIn, TaskDoneIn
from .jobs import JobIn
from .members import (
    ActivateIn,
    AttributeName,
    AttributeValue,
    CancelIn,
    CancelReason,
    MemberIn,
    MemberPatchIn,
    RenewIn,
)
from .notify import NotifyKind, NotifyPrefsIn
from .perks import AccountUserIn, ConsentIn, DeliveryQuoteIn, EntitlementUseIn, LotteryDrawIn
from .rewards import (
    AdjustmentIn,
    CheckInIn,
    DecisionIn,
    RedemptionIn,
    ReviewIn,
    TierApplicationIn,
    TransferIn,
)
from .till import LineIn, PurchaseIn, ReturnIn, ReturnLineIn
from .value import DepositIn, WithdrawalIn

__all__ = [
    "MOMENT_YEARS",
    "AccountUserIn",
    "ActivateIn",
    "AdjustmentIn",
    "AttributeName",
    "AttributeValue",
    "CancelIn",
    "CancelReason",
    "CardCancelIn",
    "CardPasswordIn",
    "CheckInIn",
    "Code",
    "ConsentIn",
    "DecisionIn",
    "DeliveryQuoteIn",
    "DepositIn",
    "EntitlementUseIn",
    "FeedbackIn",
    "GramsIn",
    "GuideIn",
    "IdNumberIn",
    "IdType",
    "IdentifyIn",
    "JobIn",
    "LineIn",
    "LotteryDrawIn",
    "MemberIn",
    "MemberPatchIn",
    "MomentIn",
    "MoneyIn",
    "MonthDayIn",
    "NameIn",
    "NotifyKind",
    "NotifyPrefsIn",
    "PasswordIn",
    "PhoneIn",
    "PointsIn",
    "PositiveMoneyIn",
    "PurchaseIn",
    "QtyIn",
    "RedemptionIn",
    "Ref",
    "ReissueIn",
    "RenewIn",
    "ReportLostIn",
    "ReturnIn",
    "ReturnLineIn",
    "ReviewIn",
    "ShortText",
    "Strict",
    "TaskDoneIn",
    "TierApplicationIn",
    "TransferIn",
    "WithdrawalIn",
    "body_fingerprint",
    "moment",
]
