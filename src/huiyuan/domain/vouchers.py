"""Vouchers at the till: whether the vouchers a receipt lists may pay for it, and for how much.

A voucher pays only for its own member's receipt in its own program, once, from the moment it
is issued until (not including) its `valid_until`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from ..errors import Invalid
from .statuses import VoucherStatus


class Voucher(Protocol):
    """A voucher as stored (the columns the rules read)."""

    @property
    def program_id(self) -> int: ...
    @property
    def member_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def issued_at(self) -> datetime: ...
    @property
    def valid_until(self) -> datetime | None: ...


def check_listed_once(codes: Sequence[str]) -> None:
    if len(set(codes)) != len(codes):
        raise Invalid("同一张券不能用两次 / a voucher is listed twice", code="voucher_repeated")


def usable_value(
    code: str, voucher: Voucher | None, program_id: int, member_id: str, at: datetime
) -> Decimal:
    """What the voucher `code` pays for the member's receipt at `at`; refused with the reason
    when it may not pay for it."""
    if voucher is None or voucher.program_id != program_id or voucher.member_id != member_id:
        raise Invalid(
            f"券 {code} 不属于该会员 / voucher {code} is not this member's",
            code="voucher_not_found",
        )
    if voucher.status != VoucherStatus.ISSUED:
        raise Invalid(f"券 {code} 已使用 / voucher {code} was already used", code="voucher_used")
    if voucher.valid_until is not None and at >= voucher.valid_until:
        raise Invalid(f"券 {code} 已过期 / voucher {code} has expired", code="voucher_expired")
    if at < voucher.issued_at:
        raise Invalid(
            f"券 {code} 尚未生效 / voucher {code} is not yet valid", code="voucher_not_yet_valid"
        )
    return voucher.value
