"""Programs, members and cards, receipts, idempotent requests and the points ledger."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..types import MoneyFen, Thousandths, UTCDateTime
from .base import Id, metadata

programs = Table(
    "programs",
    metadata,
    Column("program_id", Id, primary_key=True, autoincrement=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

program_versions = Table(
    "program_versions",
    metadata,
    Column("program_id", ForeignKey("programs.program_id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("config", JSON, nullable=False),
    Column("source", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("program_id", ForeignKey("programs.program_id"), primary_key=True),
    Column("member_id", String(32), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("tier", String(40), nullable=False),
    Column("name", String(200)),
    Column("phone_enc", Text),
    Column("phone_hash", String(64)),
    Column("phone_masked", String(32)),
    Column("id_number_enc", Text),
    Column("id_hash", String(64)),
    Column("address_enc", Text),
    Column("id_type", String(16)),
    Column("birthday", String(10)),
    Column("anniversary", String(10)),
    Column("group_level", String(16)),
    Column("is_staff", Boolean, nullable=False, default=False),
    Column("referrer_id", String(32)),
    Column("guide_id", String(64)),
    Column("guide_since", UTCDateTime),  # when the current guide got the member
    Column("store", String(64)),
    Column("merchant", String(64)),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("valid_until", Date),
    Column("customer_class", String(16)),
    Column("attributes", JSON, nullable=False),
    Column("points", BigInteger, nullable=False, default=0),  # projection of the ledger
    Column("last_entry_id", BigInteger),  # the last entry the projection includes
    Column("debt", BigInteger, nullable=False, default=0),  # clawbacks not yet settled
    Column("points_earned_total", BigInteger, nullable=False, default=0),
    Column("stored_value", MoneyFen, nullable=False),
    Column("carry", JSON, nullable=False),  # step-rule remainders carried to the next receipt
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("program_id", "phone_hash", name="uq_members_program_phone"),
)
Index("ix_members_id_hash", members.c.program_id, members.c.id_hash)
Index("ix_members_guide", members.c.program_id, members.c.guide_id)

cards = Table(
    "cards",
    metadata,
    Column("card_no", String(32), primary_key=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # active, lost, replaced, cancelled
    Column("pin_hash", Text),
    Column("issued_at", UTCDateTime, nullable=False),
)
Index("ix_cards_member", cards.c.program_id, cards.c.member_id)

receipts = Table(
    "receipts",
    metadata,
    Column("program_id", ForeignKey("programs.program_id"), primary_key=True),
    Column("receipt_no", String(64), primary_key=True),
    Column("member_id", String(32), nullable=False),
    Column("program_version", Integer, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("store", String(64)),
    Column("merchant", String(64)),
    Column("guide_id", String(64)),
    Column("card_presented", Boolean, nullable=False),
    Column("list_total", MoneyFen, nullable=False),
    Column("discount_total", MoneyFen, nullable=False),
    Column("offset_total", MoneyFen, nullable=False),
    Column("voucher_total", MoneyFen, nullable=False),
    Column("paid_total", MoneyFen, nullable=False),
    Column("paid_net", MoneyFen, nullable=False),  # paid less returns: the spend metric
    Column("points_earned", BigInteger, nullable=False),
    Column("points_redeemed", BigInteger, nullable=False),
    Column("points_reversed", BigInteger, nullable=False, default=0),
    # Referral points this receipt gave the member's referrer, and how much of it was reversed.
    Column("referrer_id", String(32)),
    Column("referral_share", BigInteger, nullable=False, default=0),
    Column("referral_bonus", BigInteger, nullable=False, default=0),
    Column("referral_reversed", BigInteger, nullable=False, default=0),
)
Index(
    "ix_receipts_member_time", receipts.c.program_id, receipts.c.member_id, receipts.c.occurred_at
)

receipt_lines = Table(
    "receipt_lines",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("receipt_no", String(64), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("category", String(40), nullable=False),
    Column("flags", JSON, nullable=False),
    Column("qty", Thousandths, nullable=False),
    Column("list_price", MoneyFen, nullable=False),
    Column("price", MoneyFen, nullable=False),
    Column("member_discount", MoneyFen, nullable=False),
    Column("offset", MoneyFen, nullable=False),
    Column("vouchers", MoneyFen, nullable=False),
    Column("paid", MoneyFen, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("offset_points", BigInteger, nullable=False),  # points spent on this line
    Column("earning_rule", Integer),  # which earning rule priced the line
    Column("returned_qty", Thousandths, nullable=False),
    Column("points_reversed", BigInteger, nullable=False),
    Column("offset_points_refunded", BigInteger, nullable=False),
)

requests = Table(
    "requests",
    metadata,
    # Idempotency: the caller's number for each kind of state change, with its first answer.
    Column("program_id", Integer, primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("ref", String(128), primary_key=True),
    Column("body_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("entry_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("ref", String(128)),
    Column("reason", Text),
    Column("correlation_id", String(64)),
)
# A member's latest entry by index: a balance as of now or later reads the projections
# instead of the allocations (services.ledger.balance_as_of).
Index(
    "ix_entries_member_time",
    ledger_entries.c.program_id,
    ledger_entries.c.member_id,
    ledger_entries.c.occurred_at,
)

lots = Table(
    "lots",
    metadata,
    Column("lot_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("entry_id", BigInteger, nullable=False),
    Column("points", BigInteger, nullable=False),
    # A projection: points - its allocations - expired_points.
    Column("remaining", BigInteger, nullable=False),
    Column("earned_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    # Expiry is recorded on the lot itself instead of in an allocation row per lot, so the
    # year-end sweep writes nothing per lot beyond the update that empties it: the points it
    # took and the moment of the member's `expire` entry that says so (its `occurred_at`;
    # the lot's own deadline is `expires_at`). Both stay null until the lot is swept. The
    # entry is found by member and moment rather than by id: looking up an id for every lot
    # would cost the sweep a search of the entries per lot.
    Column("expired_points", BigInteger),
    Column("swept_at", UTCDateTime),
)
# A member's lots by index, the unexpired ones as a range, grouped by expiry in index order.
Index("ix_lots_member_expiry", lots.c.program_id, lots.c.member_id, lots.c.expires_at)
Index("ix_lots_expiry", lots.c.program_id, lots.c.expires_at)

allocations = Table(
    "allocations",
    metadata,
    # Which lots a negative entry drew (or, for a debt, which later lot settled it).
    Column("allocation_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("entry_id", BigInteger, nullable=False),
    Column("lot_id", BigInteger, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
)
Index("ix_allocations_member", allocations.c.program_id, allocations.c.member_id)
Index("ix_allocations_lot", allocations.c.lot_id)

member_history = Table(
    "member_history",
    metadata,
    Column("history_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),  # joined, tier_changed, profile, status, ...
    Column("detail", JSON, nullable=False),
    Column("actor", String(100)),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
Index("ix_history_member", member_history.c.program_id, member_history.c.member_id)
