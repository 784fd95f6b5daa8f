"""Tables. Every member-scoped table is keyed by (program_id, member_id) so the schema can be
distributed by member when one machine is outgrown."""

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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .types import MoneyFen, Thousandths, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER only

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

# ----------------------------------------------------------------------------- guides

guides = Table(
    "guides",
    metadata,
    Column("program_id", Integer, primary_key=True),
    Column("guide_id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("store", String(64)),
    Column("merchant", String(64)),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

ownership_changes = Table(
    "ownership_changes",
    metadata,
    Column("change_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("from_guide", String(64)),  # none: the company pool
    Column("to_guide", String(64)),  # none: the company pool
    Column("reason", String(32), nullable=False),  # opened, reclaimed, dealt, manual
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("ref", String(100)),  # the job run that made it
)
Index("ix_ownership_member", ownership_changes.c.program_id, ownership_changes.c.member_id)

service_tasks = Table(
    "service_tasks",
    metadata,
    Column("task_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("guide_id", String(64)),
    Column("kind", String(32), nullable=False),
    Column("source", String(160), nullable=False),  # what made it, unique: plans run twice
    Column("detail", JSON, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),  # open, done
    Column("note", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    UniqueConstraint("program_id", "source", name="uq_service_tasks_source"),
)
Index(
    "ix_tasks_guide", service_tasks.c.program_id, service_tasks.c.guide_id, service_tasks.c.status
)

# ----------------------------------------------------------------------------- cards, audit

card_events = Table(
    "card_events",
    metadata,
    # What happened to a card: reported lost, reissued, exchanged, cancelled, password set.
    Column("event_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("card_no", String(32), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("channel", String(16)),  # phone, store (loss reports)
    Column("new_card_no", String(32)),  # reissued, exchanged: the card that replaces it
    Column("fee", MoneyFen),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor", String(100)),
)
Index("ix_card_events_card", card_events.c.program_id, card_events.c.card_no)
Index("ix_card_events_member", card_events.c.program_id, card_events.c.member_id)

card_pin_guard = Table(
    "card_pin_guard",
    metadata,
    # Wrong card passwords in a row, and until when the card's phone channel is locked.
    Column("program_id", Integer, primary_key=True),
    Column("card_no", String(32), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", UTCDateTime),
    Column("locked_until", UTCDateTime),
)

# The audit log is append-only: the database itself refuses to change or delete a row. The
# statements are here so the migration can run the same ones (op.execute).
AUDIT_APPEND_ONLY_SQL = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ],
}


def _audit_append_only(target: object, connection: object, **_: object) -> None:
    conn = connection  # a Connection; typed loosely to keep this module free of more imports
    for statement in AUDIT_APPEND_ONLY_SQL.get(conn.dialect.name, []):  # type: ignore[attr-defined]
        conn.exec_driver_sql(statement)  # type: ignore[attr-defined]


audit_log = Table(
    "audit_log",
    metadata,
    # Sensitive actions: who (token, role), what, on which member or card, when; masked values
    # only, never personal data in clear.
    Column("audit_id", Id, primary_key=True, autoincrement=True),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("occurred_at", UTCDateTime),
    Column("program_id", Integer),
    Column("action", String(40), nullable=False),
    Column("outcome", String(16), nullable=False),  # done, refused
    Column("actor", String(100)),
    Column("role", String(16)),
    Column("token_id", String(32)),
    Column("member_id", String(32)),
    Column("card_no", String(32)),
    Column("ref", String(128)),
    Column("detail", JSON, nullable=False),
    listeners=[("after_create", _audit_append_only)],
)
Index("ix_audit_program", audit_log.c.program_id, audit_log.c.audit_id)
Index("ix_audit_member", audit_log.c.program_id, audit_log.c.member_id)
Index("ix_audit_action", audit_log.c.action, audit_log.c.audit_id)

# ----------------------------------------------------------------------------- stored value, tiers

stored_value_entries = Table(
    "stored_value_entries",
    metadata,
    # The stored-value (储值) ledger in money: append-only, signed amounts; members.stored_value
    # is its projection. Kinds: deposit, rebate, reward (+); withdrawal, payment (-); refund (+).
    Column("entry_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("amount", MoneyFen, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    # deposit_no, withdrawal_no, receipt_no, "receipt_no#return_no", "referral:YYYY-MM:member"
    Column("ref", String(160), nullable=False),
    Column("reason", Text),
    UniqueConstraint("program_id", "member_id", "kind", "ref", name="uq_sv_entries_ref"),
)
Index(
    "ix_sv_entries_member",
    stored_value_entries.c.program_id,
    stored_value_entries.c.member_id,
    stored_value_entries.c.occurred_at,
)

tier_applications = Table(
    "tier_applications",
    metadata,
    # Applications for a tier: paid (fashion) or decided by a manager (guide_store).
    Column("program_id", Integer, primary_key=True),
    Column("application_no", String(64), primary_key=True),
    Column("member_id", String(32), nullable=False),
    Column("from_tier", String(40), nullable=False),
    Column("to_tier", String(40), nullable=False),
    Column("fee_paid", MoneyFen, nullable=False),
    Column("status", String(16), nullable=False),  # pending, approved, refused
    Column("note", Text),
    Column("requested_by", String(100)),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("reviewed_by", String(100)),
    Column("reviewed_at", UTCDateTime),
    Column("review_note", Text),
)
Index("ix_tier_applications_member", tier_applications.c.program_id, tier_applications.c.member_id)

# ----------------------------------------------------------------------------- notifications

outbox = Table(
    "outbox",
    metadata,
    # Messages to members, written in the same transaction as what causes them (a job's chunk,
    # a purchase); a sender claims due rows, sends them and marks them sent (notify/outbox.py).
    Column("message_id", Id, primary_key=True, autoincrement=True),
    Column("program_id", Integer, nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),  # expiry_reminder, tier_changed, birthday, ...
    Column("dedupe_key", String(160), nullable=False),  # one message per member and cause
    Column("channel", String(16), nullable=False),  # sms, email, file, console
    Column("locale", String(8), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("params", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # pending, sent, failed, skipped
    Column("attempts", Integer, nullable=False),  # sends started
    Column("due_at", UTCDateTime, nullable=False),  # not before: quiet hours, retry backoff
    Column("claimed_by", String(40)),
    Column("claimed_until", UTCDateTime),  # a sender's lease; past it the row is free again
    Column("last_error", Text),
    Column("gave_up_at", UTCDateTime),  # failed for good (retries used up or not retryable)
    Column("provider_ref", String(100)),
    Column("occurred_at", UTCDateTime, nullable=False),  # the cause's moment (a job's as_of)
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("program_id", "member_id", "dedupe_key", name="uq_outbox_dedupe"),
)
Index("ix_outbox_due", outbox.c.status, outbox.c.due_at)
Index("ix_outbox_member", outbox.c.program_id, outbox.c.member_id)

notify_prefs = Table(
    "notify_prefs",
    metadata,
    # A member's choices about messages: opt-out (all, or some kinds), channel, language, e-mail.
    Column("program_id", Integer, primary_key=True),
    Column("member_id", String(32), primary_key=True),
    Column("opted_out", Boolean, nullable=False),
    Column("opted_out_kinds", JSON, nullable=False),  # e.g. ["care"]: only these are refused
    Column("channel", String(16)),  # none: the program's
    Column("locale", String(8)),  # none: the program's
    Column("email_enc", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("actor", String(100)),
)

# -- staff accounts: people log in to the console (tokens stay for tills and scripts)

staff = Table(
    "staff",
    metadata,
    Column("login", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("store", String(64)),  # only this store's tills and members' receipts
    Column("guide_id", String(64)),  # a guide account's own guide id
    Column("password_hash", Text, nullable=False),  # argon2id
    Column("status", String(16), nullable=False),  # active, disabled
    Column("lang", String(8), nullable=False),  # zh, en: the console's language
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    # Wrong passwords, counted for the lockout; a successful login clears them.
    Column("failure_id", Id, primary_key=True, autoincrement=True),
    Column("login", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_login_failures_login", login_failures.c.login, login_failures.c.at)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    # The cookie holds a random secret; only its SHA-256 digest is stored.
    Column("session_digest", String(64), primary_key=True),
    Column("login", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
)
Index("ix_staff_sessions_login", staff_sessions.c.login)
