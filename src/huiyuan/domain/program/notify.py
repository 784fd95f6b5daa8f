"""How members are told things: channels and quiet hours, reminders, and care messages."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from .base import Frozen, check_festivals


class Channel(StrEnum):
    SMS = "sms"  # the SMS gateway (docs/sms-gateway.md)
    EMAIL = "email"  # SMTP, to the member's e-mail address (notification preferences)
    FILE = "file"  # a JSON-lines file: development and tests
    CONSOLE = "console"  # the server's standard output: development


_CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


class Notify(Frozen):
    """How messages reach members: the default channel and language, quiet hours (local time,
    nothing is sent then: a message due in them waits until they end, it is never dropped) and
    the retry policy of failed sends (exponential backoff from `retry_seconds`)."""

    channel: Channel = Channel.SMS
    locale: Literal["zh-CN", "en"] = "zh-CN"
    quiet_start: str = Field(default="21:00", pattern=_CLOCK)
    quiet_end: str = Field(default="08:00", pattern=_CLOCK)
    max_attempts: int = Field(default=8, ge=1, le=50)
    retry_seconds: int = Field(default=60, ge=1, le=86400)


class Reminders(Frozen):
    """What the `send_reminders` job tells members (each message once per member and cause)."""

    expiry_days: tuple[int, ...] = ()  # days before points expire: (30, 7, 1)
    tier_changes: bool = False  # a notice after each tier change (purchase or job)
    tier_change_days: int = Field(default=7, ge=1)  # ...that happened at most this long ago
    # Tell a member once when they become eligible to apply for a higher tier (the tier's
    # `application.requires_any`, cumulative points or spend), with the application fee.
    upgrade_notices: bool = False
    redemption_windows: bool = False  # a notice when a redemption window opens...
    redemption_min_points: int | None = Field(default=None, ge=0)  # ...to members with this many
    notice_board_more_than: int | None = Field(default=None, ge=0)  # listed on the board: > N
    balance_day: int | None = Field(default=None, ge=1, le=28)  # publish balances on this day

    @model_validator(mode="after")
    def _check(self) -> Reminders:
        if any(d < 1 for d in self.expiry_days):
            raise ValueError("expiry_days are whole days before expiry, at least 1")
        return self


class Care(Frozen):
    """Care messages (关怀) of the `send_care_messages` job: greetings with no sales talk,
    signed with the member's guide and store."""

    birthday: bool = True  # on the day; Feb 29 → Feb 28 in common years
    lunar_attribute: str = "lunar_birthday"  # a member attribute: true → the birthday is lunar
    festivals: tuple[str, ...] = ("spring_festival", "dragon_boat", "mid_autumn")
    seasons: bool = False  # season changes: 立春, 立夏, 立秋, 立冬
    miss_you_days: int = Field(default=90, ge=0)  # days without a visit; 0: off
    classes: tuple[str, ...] = ()  # only members of these customer classes; empty: everyone
    birthday_classes: tuple[str, ...] = ()  # birthday greetings only to these; empty: `classes`

    @model_validator(mode="after")
    def _check(self) -> Care:
        check_festivals(self.festivals)
        return self
