"""Records of scheduled job runs, one per program, job and moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ...domain.records.jobs import JobRun
from ...domain.statuses import JobStatus
from ..schema import job_runs


class JobRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, program_id: int, job: str, as_of: datetime) -> JobRun | None:
        row = self.conn.execute(
            select(job_runs).where(
                job_runs.c.program_id == program_id,
                job_runs.c.job == job,
                job_runs.c.as_of == as_of,
            )
        ).first()
        return None if row is None else JobRun(**row._mapping)

    def start(self, program_id: int, job: str, as_of: datetime, now: datetime) -> None:
        self.conn.execute(
            insert(job_runs).values(
                program_id=program_id,
                job=job,
                as_of=as_of,
                status=JobStatus.RUNNING,
                processed=0,
                detail={},
                started_at=now,
            )
        )

    def save(self, program_id: int, job: str, as_of: datetime, **values: Any) -> None:
        self.conn.execute(
            update(job_runs)
            .where(
                job_runs.c.program_id == program_id,
                job_runs.c.job == job,
                job_runs.c.as_of == as_of,
            )
            .values(**values)
        )
