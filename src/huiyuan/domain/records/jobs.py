"""A scheduled job's run as recorded: one per program, job and moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class JobRun:
    program_id: int
    job: str
    as_of: datetime
    status: str  # a JobStatus value
    processed: int
    detail: dict[str, Any]  # while running: {"state": ...}; when done: what the run reports
    started_at: datetime
    finished_at: datetime | None
