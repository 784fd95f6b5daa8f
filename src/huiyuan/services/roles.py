"""Who may do what: one table for the API and the console, so a cashier is refused the same
action in both. Admin may do everything."""

from __future__ import annotations

ANY_ROLE = ("manager", "cashier", "guide", "auditor")
TILL = ("manager", "cashier")
ENROLL = ("manager", "cashier", "guide")
MANAGER = ("manager",)

ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ANY_ROLE,
    "enroll": ENROLL,
    "purchase": TILL,
    "return": TILL,
    "redeem": TILL,
    "transfer": TILL,
    "activate": MANAGER,
    "approve_tier_application": MANAGER,
    "run_job": MANAGER,
}


def may(role: str, action: str) -> bool:
    return role == "admin" or role in ACTIONS[action]
