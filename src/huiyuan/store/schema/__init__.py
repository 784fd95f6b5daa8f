"""Tables. Every member-scoped table is keyed by (program_id, member_id) so the schema can be
distributed by member when one machine is outgrown. One module per area; every table is
importable from here."""

from __future__ import annotations

from .base import Id, metadata
from .ledger import (
    allocations,
    cards,
    ledger_entries,
    lots,
    member_history,
    members,
    program_versions,
    programs,
    receipt_lines,
    receipts,
    requests,
)
from .notify import (
    login_failures,
    notify_prefs,
    outbox,
    staff,
    staff_sessions,
)
from .rewards import (
    account_users,
    check_ins,
    consents,
    entitlement_uses,
    job_runs,
    lottery_draws,
    redemptions,
    reviews,
    reward_stock,
    tokens,
    vouchers,
)
from .service import (
    AUDIT_APPEND_ONLY_SQL,
    audit_log,
    card_events,
    card_pin_guard,
    guides,
    ownership_changes,
    service_tasks,
    stored_value_entries,
    tier_applications,
)

__all__ = [
    "AUDIT_APPEND_ONLY_SQL",
    "Id",
    "account_users",
    "allocations",
    "audit_log",
    "card_events",
    "card_pin_guard",
    "cards",
    "check_ins",
    "consents",
    "entitlement_uses",
    "guides",
    "job_runs",
    "ledger_entries",
    "login_failures",
    "lots",
    "lottery_draws",
    "member_history",
    "members",
    "metadata",
    "notify_prefs",
    "outbox",
    "ownership_changes",
    "program_versions",
    "programs",
    "receipt_lines",
    "receipts",
    "redemptions",
    "requests",
    "reviews",
    "reward_stock",
    "service_tasks",
    "staff",
    "staff_sessions",
    "stored_value_entries",
    "tier_applications",
    "tokens",
    "vouchers",
]
