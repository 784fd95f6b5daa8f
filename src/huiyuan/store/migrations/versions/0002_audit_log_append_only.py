"""audit_log is append-only: database triggers refuse updates and deletes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op

from huiyuan.store.schema import AUDIT_APPEND_ONLY_SQL

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_log_no_update",
        "DROP TRIGGER IF EXISTS audit_log_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
        "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
        "DROP FUNCTION IF EXISTS audit_log_append_only()",
    ],
}


def upgrade() -> None:
    # Autogenerate does not see triggers; they are created here, as create_all does.
    for statement in AUDIT_APPEND_ONLY_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
