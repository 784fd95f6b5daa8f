"""The till: a purchase (and its quote) with its lines, and returns of lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from ...domain.money import MONEY_MAX
from .cards import IdentifyIn
from .common import Code, GramsIn, MoneyIn, PointsIn, QtyIn, Ref, Strict
from .perks import ConsentIn


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
