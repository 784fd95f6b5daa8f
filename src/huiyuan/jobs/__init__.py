"""Scheduled jobs. Importing this package registers every job."""

from . import (
    accrue_deposits,
    activate_pending,
    classify_customers,
    evaluate_tiers,
    expire_points,
    plan_service_tasks,
    reclaim_members,
    send_care_messages,
    send_reminders,
    settle_referrals,
)
from .base import JOBS, run_job

__all__ = [
    "JOBS",
    "accrue_deposits",
    "activate_pending",
    "classify_customers",
    "evaluate_tiers",
    "expire_points",
    "plan_service_tasks",
    "reclaim_members",
    "run_job",
    "send_care_messages",
    "send_reminders",
    "settle_referrals",
]
