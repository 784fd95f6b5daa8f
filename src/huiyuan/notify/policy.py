"""Pure timing rules for messages: quiet hours and retry backoff."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..domain.program import Notify

MAX_BACKOFF = timedelta(hours=6)


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def is_quiet(policy: Notify, moment: datetime, tz: ZoneInfo) -> bool:
    """True inside the quiet hours [start, end) in local time (they may span midnight)."""
    start, end = _clock(policy.quiet_start), _clock(policy.quiet_end)
    if start == end:
        return False
    local = moment.astimezone(tz).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(policy: Notify, moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment` itself, or the end of the quiet hours it falls in (21:30 → 08:00 next day)."""
    if not is_quiet(policy, moment, tz):
        return moment
    end = _clock(policy.quiet_end)
    local = moment.astimezone(tz)
    candidate = datetime.combine(local.date(), end, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=tz)
    return candidate


def backoff(policy: Notify, attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed tries: retry_seconds × 2^(attempts-1),
    at most six hours (60 s, 2 min, 4 min, ...)."""
    wait = timedelta(seconds=policy.retry_seconds * (2 ** max(attempts - 1, 0)))
    return min(wait, MAX_BACKOFF)
