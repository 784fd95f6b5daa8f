"""Guides and their tasks, card events and the audit log, stored value and tier
applications."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..types import MoneyFen, UTCDateTime
from .base import Id, metadata

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
