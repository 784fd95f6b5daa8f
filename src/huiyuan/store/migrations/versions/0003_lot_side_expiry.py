"""lots record their own expiry: expired_points and swept_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

The expiry sweep no longer writes an allocation row per lot; it records on the lot what it
took and when. Lots expired before this migration keep their expiry allocations: the ledger
queries and `huiyuan verify` count both forms, so nothing is converted (allocation rows are
never deleted).
"""

import sqlalchemy as sa
from alembic import op

import huiyuan.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns without defaults: an ALTER on both databases, no table rewrite.
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expired_points", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("swept_at", huiyuan.store.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_column("swept_at")
        batch_op.drop_column("expired_points")
