"""What spending points and holding money leave behind, as stored: vouchers, redemptions, gift
stock, entitlement uses, lottery draws, a shared account's users, stored-value entries and tier
applications. The rewards, perks, stored-value and lifecycle repositories read and write them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..statuses import AccountUserStatus, ApplicationStatus, VoucherStatus
from ..stored_value import Kind


@dataclass(frozen=True, slots=True)
class Voucher:
    code: str
    program_id: int
    member_id: str
    reward: str  # the reward or entitlement that issued it
    value: Decimal
    issued_at: datetime
    valid_until: datetime | None  # usable before this moment; None: no end
    status: VoucherStatus
    redemption_no: str | None  # the redemption or entitlement use that issued it
    used_receipt: str | None = None
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Redemption:
    program_id: int
    redemption_no: str
    member_id: str
    reward: str
    kind: str  # a RewardKind value
    quantity: int
    points: int
    value: Decimal
    voucher_code: str | None
    reserved_for: date | None
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None
    detail: dict[str, Any]  # evidence such as the ID check


@dataclass(frozen=True, slots=True)
class Stock:
    program_id: int
    reward: str
    remaining: int


@dataclass(frozen=True, slots=True)
class EntitlementUse:
    program_id: int
    use_no: str
    member_id: str
    code: str
    period_key: str  # which year, month or festival the use consumed
    voucher_code: str | None
    id_checked: bool
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None


@dataclass(frozen=True, slots=True)
class LotteryDraw:
    program_id: int
    draw_no: str
    member_id: str
    tier: str
    seed: str
    roll: str  # a decimal in [0, 1), kept as written so anyone can recompute it
    win_rate: str
    won: bool
    points: int
    prize: str | None
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class AccountUser:
    program_id: int
    member_id: str
    user_no: str
    name: str
    mobile_enc: str
    mobile_masked: str
    id_number_enc: str
    address_enc: str
    status: AccountUserStatus
    added_at: datetime


@dataclass(frozen=True, slots=True)
class StoredValueEntry:
    entry_id: int
    program_id: int
    member_id: str
    kind: Kind
    amount: Decimal  # signed: what the entry moved the balance by
    occurred_at: datetime
    recorded_at: datetime
    ref: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class StoredValueMismatch:
    """A member whose stored-value projection is not the sum of its entries (or is negative)."""

    program_id: int
    member_id: str
    stored_value: Decimal
    entries_sum: Decimal


@dataclass(frozen=True, slots=True)
class TierApplication:
    program_id: int
    application_no: str
    member_id: str
    from_tier: str
    to_tier: str
    fee_paid: Decimal
    status: ApplicationStatus
    note: str | None
    requested_by: str | None
    occurred_at: datetime
    recorded_at: datetime
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_note: str | None = None
