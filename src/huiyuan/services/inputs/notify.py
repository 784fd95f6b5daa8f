"""A member's message preferences."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .common import Strict

NotifyKind = Literal[
    "care",
    "reminders",
    "service",
    "expiry_reminder",
    "upgrade_possible",
    "redemption_window",
    "balance_statement",
    "tier_changed",
    "birthday",
    "festival",
    "season",
    "miss_you",
]


class NotifyPrefsIn(Strict):
    """A member's message preferences (PUT /members/{id}/notifications); fields left out keep
    their value."""

    opted_out: bool | None = None  # true: no messages at all
    opted_out_kinds: list[NotifyKind] | None = Field(default=None, max_length=20)
    channel: Literal["sms", "email"] | None = None
    locale: Literal["zh-CN", "en"] | None = None
    email: (
        Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
        | None
    ) = None
