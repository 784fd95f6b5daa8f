"""Stored value: deposits and withdrawals."""

from __future__ import annotations

from pydantic import AwareDatetime

from .common import PositiveMoneyIn, Ref, Strict


class DepositIn(Strict):
    deposit_no: Ref
    amount: PositiveMoneyIn
    occurred_at: AwareDatetime | None = None


class WithdrawalIn(Strict):
    withdrawal_no: Ref
    amount: PositiveMoneyIn
    occurred_at: AwareDatetime | None = None
