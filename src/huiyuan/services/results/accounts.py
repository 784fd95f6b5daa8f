"""The answers about a member's account: balance, ledger, vouchers, manual adjustments."""

from __future__ import annotations

from typing_extensions import TypedDict

from ...domain.ledger import EntryKind
from ...domain.statuses import VoucherStatus
from . import Moment, Money, answer

_MEMBER = "M3F2A9C01B7D4E6A0"
_CLEARS = "2027-01-01T00:00:00+08:00"
_EXPIRING = {"expires_at": _CLEARS, "points": 300}
_ENTRY = {
    "entry_id": 1042,
    "kind": "earn",
    "points": 128,
    "occurred_at": "2026-06-01T12:00:00+08:00",
    "recorded_at": "2026-06-01T12:00:01+08:00",
    "ref": "R20260601-0001",
    "reason": "purchase",
}
_VOUCHER = {
    "code": "V7K2M9Q4",
    "reward": "voucher_20",
    "value": "20.00",
    "status": "issued",
    "issued_at": "2026-06-01T12:00:00+08:00",
    "valid_until": "2026-07-01T00:00:00+08:00",
    "used_receipt": None,
}


@answer(example=_EXPIRING)
class Expiring(TypedDict):
    """Points that stop counting at a moment."""

    expires_at: Moment
    points: int


@answer(
    example={
        "member_id": _MEMBER,
        "as_of": "2026-06-01T12:00:00+08:00",
        "points": 1280,
        "expiring": [_EXPIRING],
        "stored_value": "0.00",
    }
)
class Balance(TypedDict):
    """Points usable at `as_of` (expired lots left out, job run or not; less any debt), the
    unexpired points by their expiry moment, soonest first, and the stored value now."""

    member_id: str
    as_of: Moment
    points: int
    expiring: list[Expiring]
    stored_value: Money


@answer(example=_ENTRY)
class LedgerEntry(TypedDict):
    """One entry of the points ledger: positive adds a lot, negative draws from lots."""

    entry_id: int
    kind: EntryKind
    points: int
    occurred_at: Moment
    recorded_at: Moment
    ref: str | None
    reason: str | None


@answer(example={"items": [_ENTRY], "next_before": None})
class LedgerPage(TypedDict):
    """A page of a member's entries, newest first; `next_before` asks for the next page
    (null on the last)."""

    items: list[LedgerEntry]
    next_before: int | None


@answer(example=_VOUCHER)
class MemberVoucher(TypedDict):
    """A voucher the member holds; an issued voucher past its validity shows as expired."""

    code: str
    reward: str
    value: Money
    status: VoucherStatus
    issued_at: Moment
    valid_until: Moment | None
    used_receipt: str | None


@answer(example={"items": [_VOUCHER]})
class MemberVouchers(TypedDict):
    """The member's vouchers, newest first."""

    items: list[MemberVoucher]


@answer(example={"adjustment_no": "ADJ-0001", "member_id": _MEMBER, "points": -50, "balance": 1230})
class Adjusted(TypedDict):
    """A manual adjustment recorded: the points added (or, negative, taken) and the member's
    balance after it."""

    adjustment_no: str
    member_id: str
    points: int
    balance: int
