"""What the engine prices: a receipt's lines and the member's situation when it starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .calendar import MonthDay
from .money import ZERO, money


@dataclass(frozen=True)
class Line:
    line_no: int
    sku: str
    category: str
    qty: Decimal
    list_price: Decimal
    price: Decimal
    member_price: Decimal | None = None
    flags: frozenset[str] = frozenset()
    weight_grams: Decimal | None = None

    @property
    def list_amount(self) -> Decimal:
        return money(self.qty * self.list_price)

    @property
    def gross(self) -> Decimal:
        """The line's money before member benefits: qty × price, rounded once."""
        return money(self.qty * self.price)

    @property
    def price_ratio(self) -> Decimal:
        if self.list_price <= 0:
            return Decimal(1)
        return self.price / self.list_price


@dataclass(frozen=True)
class MemberContext:
    tier: str
    kind: str = "personal"
    birthday: MonthDay | None = None
    anniversary: MonthDay | None = None
    group_level: str | None = None
    day: date | None = None  # the receipt's business date
    card_presented: bool = True
    customer_class: str | None = None
    category_classes: dict[str, str] = field(default_factory=dict)


@dataclass
class PricedLine:
    line: Line
    gross: Decimal
    member_discount: Decimal = ZERO
    offset: Decimal = ZERO
    vouchers: Decimal = ZERO
    points: int = 0
    notes: list[str] = field(default_factory=list)
    rule: int | None = None  # index of the earning rule that priced the line

    @property
    def paid(self) -> Decimal:
        return self.gross - self.member_discount - self.offset - self.vouchers

    @property
    def after_benefits(self) -> Decimal:
        return self.gross - self.member_discount

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
