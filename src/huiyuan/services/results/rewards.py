"""Answers of the rewards use cases: the catalogue, redemptions, transfers, entitlements, the
lottery, a shared account's users, delivery quotes, stored value and tier applications."""

from __future__ import annotations

from typing_extensions import TypedDict

from . import Moment, Money, answer

# ----------------------------------------------------------------------------- spending points

_KIT = {
    "code": "cleaning_kit",
    "kind": "gift",
    "name": "清洁套装",
    "name_en": "Cleaning kit",
    "points": 300,
    "value": None,
    "per_points": None,
    "per_value": None,
    "stock": 47,
    "valid_days": None,
    "tiers": [],
}


@answer(example=_KIT)
class CatalogueItem(TypedDict):
    """A reward on offer: a fixed price in points, or `per_points` buying `per_value`."""

    code: str
    kind: str
    name: str
    name_en: str | None
    points: int | None
    value: Money | None
    per_points: int | None
    per_value: Money | None
    stock: int | None  # units left; None: not limited
    valid_days: int | None  # a voucher's validity
    tiers: list[str]  # empty: every tier


@answer(example={"items": [_KIT]})
class Catalogue(TypedDict):
    """The rewards catalogue with what is left of each gift."""

    items: list[CatalogueItem]


@answer(
    example={
        "redemption_no": "R0001",
        "reward": "voucher_50",
        "kind": "voucher",
        "points": 5000,
        "value": "50.00",
        "voucher_code": "VABCDEFGHJK2",
        "balance": 1200,
    }
)
class Redeemed(TypedDict):
    """A redemption recorded: the points it took, the voucher it issued, the balance after."""

    redemption_no: str
    reward: str
    kind: str
    points: int
    value: Money
    voucher_code: str | None
    balance: int


@answer(example={"transfer_no": "T0001", "points": 250, "from_balance": 700, "to_balance": 1200})
class Transferred(TypedDict):
    """Points given to another member, with both balances after."""

    transfer_no: str
    points: int
    from_balance: int
    to_balance: int


# ----------------------------------------------------------------------------- entitlements


@answer(
    example={
        "code": "birthday_gift",
        "name": "生日礼品",
        "name_en": "Birthday gift",
        "period": "birthday_month",
        "available": True,
        "remaining": 1,
        "reason": None,
        "voucher_value": "50.00",
        "needs_id_check": False,
    }
)
class EntitlementItem(TypedDict):
    """One entitlement as it stands for the member on the day asked."""

    code: str
    name: str
    name_en: str
    period: str
    available: bool
    remaining: int | None  # None: not limited
    reason: str | None  # why it is not available
    voucher_value: Money | None
    needs_id_check: bool


@answer(
    example={"member_id": "M000001", "as_of": "2026-06-01T12:00:00+08:00", "items": []},
)
class Entitlements(TypedDict):
    """A member's entitlements on a day."""

    member_id: str
    as_of: Moment
    items: list[EntitlementItem]


@answer(
    example={
        "use_no": "U0001",
        "entitlement": "birthday_gift",
        "period": "2026-06",
        "voucher_code": "VABCDEFGHJK2",
        "voucher_value": "50.00",
    }
)
class EntitlementUsed(TypedDict):
    """An entitlement claimed: the period it used up and any voucher it issued."""

    use_no: str
    entitlement: str
    period: str
    voucher_code: str | None
    voucher_value: Money | None


# ----------------------------------------------------------------------------- lottery


@answer(
    example={
        "draw_no": "D0001",
        "won": True,
        "prize": "apple_gift_box",
        "points": 100,
        "seed": "9f2c4e1a7b3d5f60a1b2c3d4e5f60718",
        "roll": "0.0123456789",
        "win_rate": "0.05",
        "note": None,
        "balance": 4900,
    }
)
class Drawn(TypedDict):
    """A lottery draw: its seed and roll (anyone can recompute them), the outcome, the balance
    after paying for it."""

    draw_no: str
    won: bool
    prize: str | None
    points: int
    seed: str
    roll: str
    win_rate: str
    note: str | None  # why a win gave nothing (the prize ran out)
    balance: int


@answer(
    example={
        "draw_no": "D0001",
        "tier": "silver",
        "seed": "9f2c4e1a7b3d5f60a1b2c3d4e5f60718",
        "roll": "0.0123456789",
        "win_rate": "0.05",
        "won": True,
        "prize": "apple_gift_box",
        "points": 100,
        "verified": True,
    }
)
class DrawRecord(TypedDict):
    """A past draw; `verified`: its outcome recomputed from the seed agrees."""

    draw_no: str
    tier: str
    seed: str
    roll: str
    win_rate: str
    won: bool
    prize: str | None
    points: int
    verified: bool


@answer(example={"items": []})
class Draws(TypedDict):
    """A member's draws, oldest first."""

    items: list[DrawRecord]


# ----------------------------------------------------------------------------- shared accounts


@answer(example={"user_no": "U001", "name": "李雷", "mobile": "138****8000"})
class AccountUserAdded(TypedDict):
    """An authorised user added to a shared account (the mobile masked)."""

    user_no: str
    name: str
    mobile: str


@answer(example={"user_no": "U001", "name": "李雷", "mobile": "138****8000", "status": "active"})
class AccountUserItem(TypedDict):
    """An authorised user of a shared account."""

    user_no: str
    name: str
    mobile: str
    status: str  # an AccountUserStatus value


@answer(example={"items": []})
class AccountUsers(TypedDict):
    """A shared account's authorised users, in the order they were added."""

    items: list[AccountUserItem]


@answer(example={"zone": "city", "name": "市区", "items": 3, "fee": "15.00"})
class DeliveryQuote(TypedDict):
    """What delivering a number of items to a zone costs."""

    zone: str
    name: str
    items: int
    fee: Money


# ----------------------------------------------------------------------------- stored value

# Functional form: "from" is a keyword.
TierMove = TypedDict("TierMove", {"from": str, "to": str})
answer(example={"from": "normal", "to": "gold"})(TierMove)


@answer(
    example={
        "deposit_no": "DP0001",
        "member_id": "M000001",
        "amount": "30000.00",
        "rebate": "300.00",
        "stored_value": "30300.00",
        "tier": "gold",
        "tier_changed": {"from": "normal", "to": "gold"},
    }
)
class Deposited(TypedDict):
    """A deposit with its rebate, the balance after and the tier it reached."""

    deposit_no: str
    member_id: str
    amount: Money
    rebate: Money
    stored_value: Money
    tier: str
    tier_changed: TierMove | None


@answer(
    example={
        "withdrawal_no": "W0001",
        "member_id": "M000001",
        "amount": "1000.00",
        "stored_value": "29300.00",
    }
)
class Withdrawn(TypedDict):
    """Money taken out of stored value, with the balance after."""

    withdrawal_no: str
    member_id: str
    amount: Money
    stored_value: Money


@answer(
    example={
        "entry_id": 12,
        "kind": "deposit",
        "amount": "30000.00",
        "occurred_at": "2026-06-01T12:00:00+08:00",
        "recorded_at": "2026-06-01T12:00:01+08:00",
        "ref": "DP0001",
        "reason": "deposit",
    }
)
class StoredValueLine(TypedDict):
    """One stored-value entry: a signed amount (withdrawals and payments negative)."""

    entry_id: int
    kind: str
    amount: Money
    occurred_at: Moment
    recorded_at: Moment
    ref: str
    reason: str | None


@answer(example={"stored_value": "29300.00", "items": []})
class StoredValueStatement(TypedDict):
    """A member's stored-value balance and entries, newest first."""

    stored_value: Money
    items: list[StoredValueLine]


# ----------------------------------------------------------------------------- tier applications


@answer(
    example={
        "application_no": "A0001",
        "member_id": "M000001",
        "from_tier": "normal",
        "tier": "gold",
        "fee_paid": "50.00",
        "status": "approved",
        "note": None,
        "requested_by": "cashier:till-1",
        "occurred_at": "2026-06-01T12:00:00+08:00",
        "reviewed_by": "automatic",
        "reviewed_at": "2026-06-01T12:00:00+08:00",
        "review_note": None,
    }
)
class TierApplicationView(TypedDict):
    """An application for a higher tier, with its review."""

    application_no: str
    member_id: str
    from_tier: str
    tier: str
    fee_paid: Money
    status: str  # an ApplicationStatus value
    note: str | None
    requested_by: str | None
    occurred_at: Moment
    reviewed_by: str | None
    reviewed_at: Moment | None
    review_note: str | None


@answer(example={"items": []})
class TierApplications(TypedDict):
    """Tier applications, oldest first."""

    items: list[TierApplicationView]
