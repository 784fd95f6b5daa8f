"""The answers of guides, their members and tasks, feedback, ownership and the VIP report."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from ...domain.statuses import TaskStatus
from . import Moment, Money, answer
from .members import MemberView


@answer(
    example={
        "guide_id": "G01",
        "name": "李娜",
        "store": "S01",
        "merchant": None,
        "active": True,
    }
)
class GuideView(TypedDict):
    """A guide (导购) and the store and merchant they work for."""

    guide_id: str
    name: str
    store: str | None
    merchant: str | None
    active: bool


@answer(example={"items": []})
class GuideMembers(TypedDict):
    """The members a guide owns, in member id order, as staff see a member."""

    items: list[MemberView]


# "from" is a Python keyword: the functional form names the field.
OwnershipItem = TypedDict(
    "OwnershipItem",
    {
        "from": str | None,
        "to": str | None,
        "reason": str,
        "occurred_at": Moment,
        "ref": str | None,
    },
)
OwnershipItem.__doc__ = """A change of the member's guide: from and to a guide (null: the
company pool), why (opened, reclaimed, dealt, manual) and the job run that made it."""
answer(
    example={
        "from": "G01",
        "to": None,
        "reason": "reclaimed",
        "occurred_at": "2026-03-05T02:00:00+08:00",
        "ref": "reclaim_members@2026-03-05T02:00:00+08:00",
    }
)(OwnershipItem)


@answer(example={"items": []})
class OwnershipHistory(TypedDict):
    """Every change of the member's guide, oldest first."""

    items: list[OwnershipItem]


@answer(
    example={
        "task_id": 7,
        "member_id": "M3F2A9C01B7D4E6A0",
        "guide_id": "G01",
        "kind": "call",
        "detail": {"class": "A"},
        "due_at": "2026-07-01T00:00:00+08:00",
        "status": "open",
        "overdue": False,
        "note": None,
        "completed_at": None,
    }
)
class TaskView(TypedDict):
    """A service task of a guide: a planned call, flowers, an SMS, or feedback to answer;
    `overdue` when still open after its due moment."""

    task_id: int
    member_id: str
    guide_id: str | None
    kind: str
    detail: dict[str, Any]
    due_at: Moment
    status: TaskStatus
    overdue: bool
    note: str | None
    completed_at: Moment | None


@answer(example={"items": []})
class TaskList(TypedDict):
    """A guide's tasks by due moment."""

    items: list[TaskView]


@answer(
    example={
        "feedback_no": "FB-1001",
        "guide_id": "G01",
        "due_at": "2026-06-02T10:00:00+08:00",
    }
)
class FeedbackTaken(TypedDict):
    """Feedback or a complaint, now a task for the owning guide due by `due_at`."""

    feedback_no: str
    guide_id: str | None
    due_at: Moment


@answer(
    example={
        "guide": "G01",
        "new_members": 3,
        "active_members": 12,
        "receipts": 20,
        "sales": "25600.00",
        "made_to_measure_sales": "8000.00",
        "points_issued": 2560,
        "tier_moves": 1,
        "commission_base": "21600.00",
        "commission": "432.00",
        "company_share_made_to_measure": "4000.00",
        "tasks_done": 9,
        "tasks_overdue": 1,
    }
)
class VipMonthlyRow(TypedDict):
    """One guide's, store's or merchant's month (the key named by `by`; "-" for none); the
    commission and task columns only by guide."""

    guide: NotRequired[str]
    store: NotRequired[str]
    merchant: NotRequired[str]
    new_members: int
    active_members: int
    receipts: int
    sales: Money
    made_to_measure_sales: Money
    points_issued: int
    tier_moves: int
    commission_base: NotRequired[Money]
    commission: NotRequired[Money]
    company_share_made_to_measure: NotRequired[Money]
    tasks_done: NotRequired[int]
    tasks_overdue: NotRequired[int]


@answer(example={"program": "vip_shop", "month": "2026-03", "by": "guide", "items": []})
class VipMonthly(TypedDict):
    """The monthly VIP report (会员月报) per guide, store or merchant."""

    program: str
    month: str
    by: str
    items: list[VipMonthlyRow]
