"""drop ix_entries_member: ix_entries_member_time (0004) begins with the same two columns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Every look-up of a member's entries keeps an index, and each entry written (a purchase, a
year-end expiry of a million members) updates one index fewer.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_entries_member", table_name="ledger_entries")


def downgrade() -> None:
    op.create_index("ix_entries_member", "ledger_entries", ["program_id", "member_id"])
