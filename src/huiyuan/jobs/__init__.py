"""Scheduled jobs. Importing this package registers every job."""

from . import activate_pending, expire_points, plan_service_tasks, reclaim_members
from .base import JOBS, run_job

__all__ = [
    "JOBS",
    "activate_pending",
    "expire_points",
    "plan_service_tasks",
    "reclaim_members",
    "run_job",
]
