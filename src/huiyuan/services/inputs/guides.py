"""Shopping guides, members' feedback and the guides' tasks."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, StringConstraints

from .common import Code, Ref, Strict


class GuideIn(Strict):
    guide_id: Ref
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    store: Code | None = None
    merchant: Code | None = None
    active: bool = True


class FeedbackIn(Strict):
    feedback_no: Ref
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    complaint: bool = False
    occurred_at: AwareDatetime | None = None


class TaskDoneIn(Strict):
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None
    occurred_at: AwareDatetime | None = None
