"""A receipt, its lines and a day's check-in as stored: what the receipt and award
repositories return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Receipt:
    program_id: int
    receipt_no: str
    member_id: str
    program_version: int
    occurred_at: datetime
    recorded_at: datetime
    business_date: date
    store: str | None
    merchant: str | None
    guide_id: str | None
    card_presented: bool
    list_total: Decimal
    discount_total: Decimal
    offset_total: Decimal
    voucher_total: Decimal
    paid_total: Decimal
    paid_net: Decimal  # paid less returns: the spend metric
    points_earned: int
    points_redeemed: int
    points_reversed: int
    # Referral points this receipt gave the member's referrer, and how much of it was reversed.
    referrer_id: str | None
    referral_share: int
    referral_bonus: int
    referral_reversed: int


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    program_id: int
    receipt_no: str
    line_no: int
    sku: str
    category: str
    flags: list[str]
    qty: Decimal
    list_price: Decimal
    price: Decimal
    member_discount: Decimal
    offset: Decimal
    vouchers: Decimal
    paid: Decimal
    points: int
    offset_points: int  # points spent on this line
    earning_rule: int | None  # which earning rule priced the line
    returned_qty: Decimal
    points_reversed: int
    offset_points_refunded: int


@dataclass(frozen=True, slots=True)
class CheckIn:
    program_id: int
    member_id: str
    day: date
    streak: int
    points: int
    occurred_at: datetime
