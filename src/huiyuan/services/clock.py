"""The server's clock, injectable so tests and jobs can fix the time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
