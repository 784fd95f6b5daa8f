"""The answer of a scheduled job's run."""

from __future__ import annotations

from typing_extensions import TypedDict

from . import Moment, Money, answer


class JobDetail(TypedDict, total=False):
    """What a run reports beside its count; each job its own keys, and `note` when it had
    nothing to do under the program."""

    note: str
    activated: int  # activate_pending
    points_expired: int  # expire_points
    points: int  # accrue_deposits
    rewards: Money  # settle_referrals
    review: str  # evaluate_tiers: the review kind, members changed and kept, moves by "a->b"
    changed: int  # evaluate_tiers, classify_customers
    kept: int
    moves: dict[str, int]
    classes: dict[str, int]  # classify_customers: members per class
    reclaimed: int  # reclaim_members
    pool: int
    dealt: int
    per_guide: dict[str, int]
    left_in_pool: list[str]
    left_in_pool_reason: str | None
    seed: str
    tasks: int  # plan_service_tasks
    month: str
    queued: dict[str, int]  # send_reminders, send_care_messages: messages by kind


@answer(
    example={
        "job": "expire_points",
        "as_of": "2027-01-01T00:00:00+08:00",
        "processed": 1200,
        "repeated": False,
        "points_expired": 3400,
    }
)
class JobAnswer(JobDetail):
    """A job's run as of a moment: members processed, whether it is the answer of a run
    finished before (`repeated`), and what the job reports."""

    job: str
    as_of: Moment
    processed: int
    repeated: bool
