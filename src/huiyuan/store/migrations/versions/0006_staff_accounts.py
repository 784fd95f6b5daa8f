"""staff accounts, their sessions and wrong-password counts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

People log in to the console with a staff account (argon2id password); the session cookie's
secret is stored as a digest; wrong passwords are counted per login for the lockout.
"""

import sqlalchemy as sa
from alembic import op

import huiyuan.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_MOMENT = huiyuan.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("store", sa.String(length=64), nullable=True),
        sa.Column("guide_id", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("updated_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_staff")),
    )
    op.create_table(
        "login_failures",
        sa.Column(
            "failure_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("failure_id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_login", "login_failures", ["login", "at"])
    op.create_table(
        "staff_sessions",
        sa.Column("session_digest", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("last_seen_at", _MOMENT, nullable=False),
        sa.Column("ended_at", _MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("session_digest", name=op.f("pk_staff_sessions")),
    )
    op.create_index("ix_staff_sessions_login", "staff_sessions", ["login"])


def downgrade() -> None:
    op.drop_index("ix_staff_sessions_login", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_index("ix_login_failures_login", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_table("staff")
