"""Response models of a member's account: balance, ledger, vouchers, adjustments."""

from __future__ import annotations

from ...services.results.accounts import Adjusted as Adjusted
from ...services.results.accounts import Balance as Balance
from ...services.results.accounts import Expiring as Expiring
from ...services.results.accounts import LedgerEntry as LedgerEntry
from ...services.results.accounts import LedgerPage as LedgerPage
from ...services.results.accounts import MemberVoucher as MemberVoucher
from ...services.results.accounts import MemberVouchers as MemberVouchers
