"""indexes for a member's balance now: lots by member and expiry, entries by member and time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

`ix_lots_member_expiry` replaces `ix_lots_member` (its first two columns are the old index,
so every look-up by member keeps its index). `ix_entries_member_time` finds a member's
latest entry without reading their entries. Both are built in the migration's transaction:
on PostgreSQL that blocks writes to the two tables while they build.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lots_member_expiry", "lots", ["program_id", "member_id", "expires_at"])
    op.drop_index("ix_lots_member", table_name="lots")
    op.create_index(
        "ix_entries_member_time", "ledger_entries", ["program_id", "member_id", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_entries_member_time", table_name="ledger_entries")
    op.create_index("ix_lots_member", "lots", ["program_id", "member_id"])
    op.drop_index("ix_lots_member_expiry", table_name="lots")
