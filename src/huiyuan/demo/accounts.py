"""Staff accounts for the demo: one per role, all with one fresh password printed at start."""

from __future__ import annotations

import secrets

from ..services import staff
from ..services.context import Context

DEMO_STAFF = (
    ("admin", "admin", "演示管理员"),
    ("manager", "manager", "王店长"),
    ("cashier", "cashier", "李收银"),
    ("guide", "guide", "张导购"),
    ("auditor", "auditor", "赵审计"),
)


def create_demo_staff(ctx: Context) -> str:
    """Creates the demo's accounts (login = role) and returns their shared password."""
    password = secrets.token_urlsafe(9)
    for login, role, name in DEMO_STAFF:
        staff.create(ctx, login, role, password, name=name)
    return password
