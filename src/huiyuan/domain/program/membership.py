"""The membership section (who may join, with what, for how long), membership cards, and who
may change member data."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from .base import Frozen, MoneyField


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
