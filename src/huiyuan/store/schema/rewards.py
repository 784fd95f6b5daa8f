"""Vouchers, redemptions and stock, check-ins and reviews, tokens, job runs, entitlements,
lottery draws and shared accounts."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from ..types import MoneyFen, UTCDateTime
from .base import Id, metadata

vouchers = Table(
    "vouchers",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("reward", String(40), nullable=False),
    Column("value", MoneyFen, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("valid_until", UTCDateTime),  # usable before this moment
    Column("status", String(16), nullable=False),  # issued, used
    Column("redemption_no", String(64)),
    Column("used_receipt", String(64)),
    Column("used_at", UTCDateTime),
)
Index("ix_vouchers_member", vouchers.c.program_id, vouchers.c.member_id)

redemptions = Table(
    "redemptions",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("redemption_no", String(64), primary_key=True),
    Column("member_id", String(32), nullable=False),
    Column("reward", String(40), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("value", MoneyFen, nullable=False),
    Column("voucher_code", String(32)),
    Column("reserved_for", Date),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor", String(100)),
    Column("detail", JSON, nullable=False),  # consent records and other evidence
)
Index("ix_redemptions_member", redemptions.c.program_id, redemptions.c.member_id)

reward_stock = Table(
    "reward_stock",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("reward", String(40), primary_key=True),
    Column("remaining", BigInteger, nullable=False),
)

check_ins = Table(
    "check_ins",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("member_id", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("streak", Integer, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("receipt_no", String(64), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("member_id", String(32), nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("job", String(40), primary_key=True),
    Column("as_of", UTCDateTime, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("processed", BigInteger, nullable=False),
    Column("detail", JSON, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
)

# ----------------------------------------------------------------------------- entitlements,
# lottery and shared accounts

entitlement_uses = Table(
    "entitlement_uses",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("use_no", String(64), primary_key=True),
    Column("member_id", String(32), nullable=False),
    Column("code", String(40), nullable=False),
    Column("period_key", String(32), nullable=False),  # which year/month/festival it used
    Column("voucher_code", String(32)),
    Column("id_checked", Boolean, nullable=False, default=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor", String(100)),
)
Index(
    "ix_entitlement_uses_member",
    entitlement_uses.c.program_id,
    entitlement_uses.c.member_id,
    entitlement_uses.c.code,
    entitlement_uses.c.period_key,
)

lottery_draws = Table(
    "lottery_draws",
    metadata,
    # Each draw keeps its seed and the number it rolled, so anyone can recompute the outcome.
    Column("program_id", Integer, primary_key=True),
    Column("draw_no", String(64), primary_key=True),
    Column("member_id", String(32), nullable=False),
    Column("tier", String(40), nullable=False),
    Column("seed", String(64), nullable=False),
    Column("roll", String(40), nullable=False),  # a decimal in [0, 1)
    Column("win_rate", String(20), nullable=False),
    Column("won", Boolean, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("prize", String(40)),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

account_users = Table(
    "account_users",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("member_id", String(32), primary_key=True),
    Column("user_no", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("mobile_enc", Text, nullable=False),
    Column("mobile_masked", String(32), nullable=False),
    Column("id_number_enc", Text, nullable=False),
    Column("address_enc", Text, nullable=False),
    Column("status", String(16), nullable=False),  # active, revoked
    Column("added_at", UTCDateTime, nullable=False),
)

consents = Table(
    "consents",
    metadata,
    # A holder's consent to another person spending the account's points (counter).
    Column("consent_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("ref_kind", String(16), nullable=False),  # purchase, redemption
    Column("ref", String(64), nullable=False),
    Column("user_no", String(32)),
    Column("holder_confirmed_by_phone", Boolean, nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("user_id_number_enc", Text, nullable=False),
    Column("user_address_enc", Text, nullable=False),
    Column("user_mobile_enc", Text, nullable=False),
    Column("signature", String(200), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
)
Index("ix_consents_member", consents.c.program_id, consents.c.member_id)
