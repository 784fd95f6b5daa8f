"""What the till answers: a quote or purchase, a return, a check-in, a review."""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict

from . import Money, answer

# "from" is a Python keyword: the functional form names it.
TierChange = TypedDict("TierChange", {"from": str, "to": str})
answer(example={"from": "vip", "to": "silver"})(TierChange)


@answer(
    example={
        "list": "128.50",
        "member_discount": "6.43",
        "points_offset": "0.00",
        "vouchers": "0.00",
        "paid": "122.07",
    }
)
class Totals(TypedDict):
    """The receipt's sums: list prices, member discounts, points and vouchers spent, paid."""

    list: Money
    member_discount: Money
    points_offset: Money
    vouchers: Money
    paid: Money


@answer(
    example={
        "line_no": 1,
        "paid": "122.07",
        "member_discount": "6.43",
        "points": 122,
        "notes": [],
    }
)
class PricedLineAnswer(TypedDict):
    """One line as priced for the member, with the points it earns and why."""

    line_no: int
    paid: Money
    member_discount: Money
    points: int
    notes: list[str]


@answer(
    example={
        "receipt_no": "R-0001",
        "member_id": "M8K2Q4ZC",
        "totals": {
            "list": "128.50",
            "member_discount": "6.43",
            "points_offset": "0.00",
            "vouchers": "0.00",
            "paid": "122.07",
        },
        "points_earned": 122,
        "points_redeemed": 0,
        "balance": 1622,
        "tier": "gold",
        "tier_changed": {"from": "silver", "to": "gold"},
        "lines": [
            {
                "line_no": 1,
                "paid": "122.07",
                "member_discount": "6.43",
                "points": 122,
                "notes": [],
            }
        ],
    }
)
class PurchaseAnswer(TypedDict):
    """A purchase priced and earned for the member: the quote's answer, and the purchase's as
    recorded (a resend answers the same). The stored-value keys appear when the receipt is
    paid from stored value."""

    receipt_no: str
    member_id: str
    totals: Totals
    points_earned: int
    points_redeemed: int
    balance: int
    tier: str
    tier_changed: TierChange | None
    lines: list[PricedLineAnswer]
    stored_value_paid: NotRequired[Money]
    stored_value: NotRequired[Money]


@answer(example={"points_reversed": 35, "points_refunded": 0, "balance": 36})
class ReturnAnswer(TypedDict):
    """A return: the earned points clawed back, the spent points refunded, the balance after;
    a purchase paid from stored value is refunded to stored value."""

    points_reversed: int
    points_refunded: int
    balance: int
    stored_value_refunded: NotRequired[Money]
    stored_value: NotRequired[Money]


@answer(example={"points": 5, "streak": 7, "balance": 1627})
class CheckInAnswer(TypedDict):
    """The day's check-in: its points (the streak bonus included) and the streak it makes."""

    points: int
    streak: int
    balance: int


@answer(example={"points": 10})
class ReviewAnswer(TypedDict):
    """The points a product review earned."""

    points: int
