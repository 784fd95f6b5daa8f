"""What callers send, with the bounds of API.md; shared by the API, the CLI and imports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ..domain.money import MONEY_MAX, POINTS_MAX


def _strict_decimal(places: int, maximum: Decimal, positive: bool) -> Any:
    def check(value: Any) -> Decimal:
        if isinstance(value, (bool, float)):
            raise ValueError('send amounts as decimal strings, e.g. "35.50"')
        try:
            d = Decimal(str(value).strip())
        except Exception:
            raise ValueError("not a decimal number") from None
        if not d.is_finite():
            raise ValueError("not a finite number")
        exponent = d.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise ValueError(f"at most {places} decimal places")
        if d < 0 or (positive and d == 0):
            raise ValueError("must be positive" if positive else "must not be negative")
        if d > maximum:
            raise ValueError(f"at most {maximum}")
        return d.quantize(Decimal(1).scaleb(-places)) if places == 2 else d

    return BeforeValidator(check)


MoneyIn = Annotated[Decimal, _strict_decimal(2, MONEY_MAX, positive=False)]
QtyIn = Annotated[Decimal, _strict_decimal(3, Decimal(100000), positive=True)]
GramsIn = Annotated[Decimal, _strict_decimal(3, Decimal(100000000), positive=True)]
PointsIn = Annotated[int, Field(ge=0, lt=POINTS_MAX, strict=True)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w\-./:#]+$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40)]
ShortText = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)]


def _check_birthday(value: str | None) -> str | None:
    if value is None:
        return None
    from ..domain.calendar import MonthDay

    try:
        MonthDay.parse(value)
    except (ValueError, TypeError):
        raise ValueError("a date YYYY-MM-DD or --MM-DD") from None
    return value


MonthDayIn = Annotated[str | None, AfterValidator(_check_birthday)]


# Moments outside these years are typing mistakes, and would overflow date arithmetic (the
# Jan 1 after 9999-12-31, UTC of 0001-01-01+08:00): refused as bad input, never a 500.
MOMENT_YEARS = (1900, 9000)


def _check_moment(value: datetime | None) -> datetime | None:
    if value is not None and not MOMENT_YEARS[0] <= value.year < MOMENT_YEARS[1]:
        raise ValueError(f"a moment in the years {MOMENT_YEARS[0]}-{MOMENT_YEARS[1] - 1}")
    return value


MomentIn = Annotated[AwareDatetime, AfterValidator(_check_moment)]


def _nul_at(value: Any) -> str | None:
    """Where a NUL character hides in one model's raw input (PostgreSQL text cannot hold one),
    or None. Objects inside lists are nested models, which check their own input: each string
    is looked at once however deep the body (a receipt's lines are not walked twice)."""
    if isinstance(value, str):
        return "body" if "\x00" in value else None
    if not isinstance(value, dict):
        return None
    for key, item in value.items():
        if isinstance(key, str) and "\x00" in key:
            return str(key).replace("\x00", "")
        if isinstance(item, str):
            if "\x00" in item:
                return str(key)
        elif isinstance(item, list):
            for i, element in enumerate(item):
                if isinstance(element, str) and "\x00" in element:
                    return f"{key}[{i}]"
        elif isinstance(item, dict):
            # A nested model or a plain mapping (attributes): its keys and texts.
            for k, v in item.items():
                if (isinstance(k, str) and "\x00" in k) or (isinstance(v, str) and "\x00" in v):
                    return f"{key}.{str(k).replace(chr(0), '')}"
    return None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # Refused here rather than failing in the database (a 500) on PostgreSQL.
        where = _nul_at(data)
        if where:
            raise ValueError(f"{where}: text must not contain NUL characters")
        return data

    @model_validator(mode="after")
    def _moments_in_range(self) -> Any:
        for name in _moment_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, datetime):
                try:
                    _check_moment(value)
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from None
        return self


@cache
def _moment_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that may hold a moment (most input models have none)."""
    return tuple(name for name, f in model.model_fields.items() if _mentions_moment(f.annotation))


def _mentions_moment(annotation: Any) -> bool:
    # pydantic's AwareDatetime is a marker class, not a datetime subclass.
    if annotation is AwareDatetime or (
        isinstance(annotation, type) and issubclass(annotation, datetime)
    ):
        return True
    return any(_mentions_moment(arg) for arg in get_args(annotation))


class LineIn(Strict):
    line_no: int = Field(ge=1, le=10000, strict=True)
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    category: Annotated[str, StringConstraints(max_length=40)] = ""
    qty: QtyIn
    list_price: MoneyIn
    price: MoneyIn | None = None
    member_price: MoneyIn | None = None
    flags: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=20
    )
    weight_grams: GramsIn | None = None

    @model_validator(mode="after")
    def _line_money(self) -> LineIn:
        price = self.price if self.price is not None else self.list_price
        for unit in (self.list_price, price):
            if self.qty * unit > MONEY_MAX:
                raise ValueError(f"a line's money is at most {MONEY_MAX}")
        return self

    @property
    def unit_price(self) -> Decimal:
        return self.price if self.price is not None else self.list_price


class PurchaseIn(Strict):
    receipt_no: Ref
    member_id: Ref | None = None
    card_no: Ref | None = None
    card_presented: bool = True
    occurred_at: AwareDatetime | None = None
    store: Code | None = None
    merchant: Code | None = None
    points_to_redeem: PointsIn = 0
    vouchers: list[Ref] = Field(default_factory=list, max_length=20)
    pay_with_stored_value: bool = False
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    # Shared accounts: an authorised user (not the holder) at the till, and the holder's
    # consent when that user spends the account's points.
    account_user: Ref | None = None
    consent: ConsentIn | None = None
    # Card-less identification (liquor) or the phone as the account (counter): see IdentifyIn.
    identify: IdentifyIn | None = None

    @model_validator(mode="after")
    def _check(self) -> PurchaseIn:
        by_phone = self.identify is not None and self.identify.phone
        if not self.member_id and not self.card_no and not by_phone:
            raise ValueError("name the member by member_id, card_no or identify.phone")
        numbers = [line.line_no for line in self.lines]
        if len(set(numbers)) != len(numbers):
            raise ValueError("line_no values must be unique")
        return self


class ReturnLineIn(Strict):
    line_no: int = Field(ge=1, le=10000, strict=True)
    qty: QtyIn


class ReturnIn(Strict):
    return_no: Ref
    occurred_at: AwareDatetime | None = None
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=500)

    @field_validator("lines")
    @classmethod
    def _unique(cls, lines: list[ReturnLineIn]) -> list[ReturnLineIn]:
        numbers = [line.line_no for line in lines]
        if len(set(numbers)) != len(numbers):
            raise ValueError("line_no values must be unique")
        return lines


IdType = Literal["resident_id", "passport", "student", "military", "other"]


class MemberIn(Strict):
    name: ShortText | None = None
    phone: Annotated[str, StringConstraints(max_length=20)] | None = None
    birthday: MonthDayIn = None
    id_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    address: Annotated[str, StringConstraints(max_length=300)] | None = None
    anniversary: MonthDayIn = None
    id_type: IdType = "resident_id"
    kind: Literal["personal", "unit", "group"] = "personal"
    group_level: Annotated[str, StringConstraints(max_length=16)] | None = None
    is_staff: bool = False
    referrer_id: Ref | None = None
    guide_id: Ref | None = None
    store: Code | None = None
    merchant: Code | None = None
    qualifying_spend: MoneyIn | None = None
    fee_paid: MoneyIn | None = None
    card_password: Annotated[str, StringConstraints(min_length=4, max_length=32)] | None = None
    joined_at: AwareDatetime | None = None


class ActivateIn(Strict):
    occurred_at: AwareDatetime | None = None


def body_fingerprint(model: BaseModel, *scope: str, key: bytes) -> str:
    """A stable keyed hash of what was asked, to tell a resend from a different request.
    `scope` adds what the path names (a receipt, a member): the same number and body sent for
    another one is a different request (409), not a resend. Keyed (HMAC-SHA-256 with a key
    derived from the secret key): bodies hold card passwords, phone and ID numbers, which an
    unkeyed hash in the requests table would let anyone reading it recover by trying
    candidates. Use `Context.fingerprint`."""
    import hashlib
    import hmac
    import json

    data = model.model_dump(mode="json", exclude_none=False)
    body = json.dumps(data, sort_keys=True)
    text = "\n".join([*scope, body]) if scope else body
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def moment(value: datetime | None, now: datetime) -> datetime:
    return value if value is not None else now


class CheckInIn(Strict):
    occurred_at: AwareDatetime | None = None


class ReviewIn(Strict):
    line_no: int = Field(ge=1, le=10000, strict=True)
    occurred_at: AwareDatetime | None = None


class ConsentIn(Strict):
    """A shared account's holder consenting to someone else spending its points (counter)."""

    holder_confirmed_by_phone: bool
    user_name: ShortText
    user_id_number: Annotated[str, StringConstraints(min_length=6, max_length=40)]
    user_address: Annotated[str, StringConstraints(min_length=2, max_length=300)]
    user_mobile: Annotated[str, StringConstraints(min_length=11, max_length=20)]
    signature: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RedemptionIn(Strict):
    redemption_no: Ref
    member_id: Ref
    reward: Code
    quantity: int = Field(default=1, ge=1, le=1000, strict=True)
    occurred_at: AwareDatetime | None = None
    points: PointsIn | None = None
    reserved_for: date | None = None  # the day the member collects a reserved gift
    id_checked: bool = False  # staff checked the card and the ID document
    account_user: Ref | None = None
    consent: ConsentIn | None = None
    store: Code | None = None  # where it is redeemed (store-bound programs refuse other stores)


class TransferIn(Strict):
    transfer_no: Ref
    from_member: Ref
    to_member: Ref
    points: Annotated[int, Field(gt=0, lt=POINTS_MAX, strict=True)]
    occurred_at: AwareDatetime | None = None


class JobIn(Strict):
    as_of: AwareDatetime | None = None


class EntitlementUseIn(Strict):
    use_no: Ref
    occurred_at: AwareDatetime | None = None
    id_checked: bool = False  # staff checked the card and the ID document


class LotteryDrawIn(Strict):
    draw_no: Ref
    occurred_at: AwareDatetime | None = None


class AccountUserIn(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    mobile: Annotated[str, StringConstraints(min_length=11, max_length=20)]
    id_number: Annotated[str, StringConstraints(min_length=6, max_length=40)]
    address: Annotated[str, StringConstraints(min_length=2, max_length=300)]
    occurred_at: AwareDatetime | None = None


class DeliveryQuoteIn(Strict):
    zone: Code
    items: int = Field(ge=1, le=100000, strict=True)


class GuideIn(Strict):
    guide_id: Ref
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    store: Code | None = None
    merchant: Code | None = None
    active: bool = True


class FeedbackIn(Strict):
    feedback_no: Ref
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    complaint: bool = False
    occurred_at: AwareDatetime | None = None


class TaskDoneIn(Strict):
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None
    occurred_at: AwareDatetime | None = None


# ----------------------------------------------------------------------------- cards, identity

PhoneIn = Annotated[str, StringConstraints(min_length=1, max_length=20)]
IdNumberIn = Annotated[str, StringConstraints(min_length=1, max_length=40)]
PasswordIn = Annotated[str, StringConstraints(min_length=1, max_length=32)]
NameIn = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class IdentifyIn(Strict):
    """Who the customer says they are when the card is not shown (liquor: card number + name +
    phone + card password), or the phone number that is the account (counter)."""

    name: NameIn | None = None
    phone: PhoneIn | None = None
    password: PasswordIn | None = None
    id_number: IdNumberIn | None = None


class ReportLostIn(Strict):
    occurred_at: AwareDatetime | None = None
    channel: Literal["phone", "store"]
    name: NameIn | None = None
    phone: PhoneIn | None = None
    password: PasswordIn | None = None
    id_number: IdNumberIn | None = None


class ReissueIn(Strict):
    occurred_at: AwareDatetime | None = None
    fee_paid: MoneyIn | None = None
    # A new card password for the new card; without one the old card's password carries over.
    card_password: Annotated[str, StringConstraints(min_length=4, max_length=32)] | None = None


class CardCancelIn(Strict):
    occurred_at: AwareDatetime | None = None
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class CardPasswordIn(Strict):
    password: Annotated[str, StringConstraints(min_length=4, max_length=32)]
    old_password: PasswordIn | None = None
    id_number: IdNumberIn | None = None
    occurred_at: AwareDatetime | None = None


class AdjustmentIn(Strict):
    adjustment_no: Ref
    points: int = Field(gt=-POINTS_MAX, lt=POINTS_MAX, strict=True)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    occurred_at: AwareDatetime | None = None
    counts_as_earned: bool = False  # counts toward tiers by cumulative points

    @field_validator("points")
    @classmethod
    def _not_zero(cls, points: int) -> int:
        if points == 0:
            raise ValueError("an adjustment adds or takes points: not 0")
        return points


PurchaseIn.model_rebuild()


# ----------------------------------------------------------------------------- lifecycle (issue 5)

PositiveMoneyIn = Annotated[Decimal, _strict_decimal(2, MONEY_MAX, positive=True)]
AttributeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
AttributeValue = (
    Annotated[int, Field(gt=-(10**15), lt=10**15, strict=True)]
    | bool
    | Annotated[str, StringConstraints(max_length=200)]
    | None
)


class DepositIn(Strict):
    deposit_no: Ref
    amount: PositiveMoneyIn
    occurred_at: AwareDatetime | None = None


class WithdrawalIn(Strict):
    withdrawal_no: Ref
    amount: PositiveMoneyIn
    occurred_at: AwareDatetime | None = None


class RenewIn(Strict):
    occurred_at: AwareDatetime | None = None
    fee_paid: MoneyIn | None = None


class MemberPatchIn(Strict):
    """Profile fields and/or attributes. A profile field sent as null is cleared (unless the
    program requires it); an attribute set to null is removed."""

    name: ShortText | None = None
    phone: Annotated[str, StringConstraints(max_length=20)] | None = None
    id_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    id_type: IdType | None = None
    address: Annotated[str, StringConstraints(max_length=300)] | None = None
    birthday: MonthDayIn = None
    anniversary: MonthDayIn = None
    attributes: dict[AttributeName, AttributeValue] | None = Field(default=None, max_length=50)
    occurred_at: AwareDatetime | None = None

    def profile_changes(self) -> dict[str, Any]:
        skip = {"attributes", "occurred_at"}
        return {f: getattr(self, f) for f in self.model_fields_set if f not in skip}


CancelReason = Literal["fraud", "card_lending", "voluntary", "other"]


class CancelIn(Strict):
    reason: CancelReason
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = None


class TierApplicationIn(Strict):
    application_no: Ref
    tier: Code
    fee_paid: MoneyIn = Decimal("0.00")
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = None


class DecisionIn(Strict):
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = None


NotifyKind = Literal[
    "care",
    "reminders",
    "service",
    "expiry_reminder",
    "upgrade_possible",
    "redemption_window",
    "balance_statement",
    "tier_changed",
    "birthday",
    "festival",
    "season",
    "miss_you",
]


class NotifyPrefsIn(Strict):
    """A member's message preferences (PUT /members/{id}/notifications); fields left out keep
    their value."""

    opted_out: bool | None = None  # true: no messages at all
    opted_out_kinds: list[NotifyKind] | None = Field(default=None, max_length=20)
    channel: Literal["sms", "email"] | None = None
    locale: Literal["zh-CN", "en"] | None = None
    email: (
        Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
        | None
    ) = None
