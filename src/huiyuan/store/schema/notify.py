"""The outbox, members' message preferences and the staff accounts of the console."""

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

from ..types import UTCDateTime
from .base import Id, metadata

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
