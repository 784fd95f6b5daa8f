"""Scheduled jobs: idempotent per program and moment, resumable, recorded.

A job works through members in id order, a chunk per transaction, and records its cursor after
each chunk. Each member's step is itself idempotent for the moment (a second expiry finds
nothing left to expire), so a run that crashed half-way is resumed by running it again, and a
finished run answers with its record instead of running twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from ..domain.records.jobs import JobRun
from ..domain.statuses import JobStatus
from ..errors import NotFound
from ..services.context import Context, require_program
from ..services.results.jobs import JobAnswer, JobDetail
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork

Progress = Callable[[int], None]


@dataclass
class JobResult:
    """What a run reports beside the count of members it processed (counted through tick)."""

    detail: JobDetail = field(default_factory=lambda: JobDetail())


class Job(Protocol):
    name: str

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult: ...


JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    JOBS[job.name] = job
    return job


class JobState(dict[str, Any]):
    """A run's resumable state. `run_job` hands one to the job; `chunks` saves it (and the
    progress counted by `tick`) in the same transaction as the chunk's work, so a crash leaves
    either the whole chunk with its cursor or neither."""

    checkpoint: Callable[[UnitOfWork], None] | None = None
    in_chunk: bool = False


def chunk_size(default: int = 500) -> int:
    """Members per transaction; HUIYUAN_JOB_CHUNK overrides (smaller: shorter locks)."""
    try:
        return max(1, int(os.environ.get("HUIYUAN_JOB_CHUNK", default)))
    except ValueError:
        return default


def _drill_pause() -> None:
    """Crash drills (HUIYUAN_JOB_DRILL_PAUSE seconds between chunks) give a test the time to
    kill a run half-way however fast the machine; unset, nothing waits."""
    pause = os.environ.get("HUIYUAN_JOB_DRILL_PAUSE")
    if pause:
        time.sleep(float(pause))


def chunks(
    ctx: Context,
    pick: Callable[[UnitOfWork, str | None, int], list[str]],
    state: dict[str, Any],
    size: int | None = None,
) -> Iterator[tuple[UnitOfWork, list[str]]]:
    """Yields (open unit of work, member ids) chunk by chunk after the saved cursor; the caller
    does its work; the chunk commits with the cursor moved past it.

    The cursor and the run's progress are saved inside the chunk's own transaction: a second
    transaction would wait for the chunk's write lock on SQLite, and on PostgreSQL a crash
    between two commits would count the chunk's points and members again on the rerun."""
    size = size or chunk_size()
    while True:
        with ctx.uow() as uow:
            ids = pick(uow, state.get("cursor"), size)
            if not ids:
                return
            if isinstance(state, JobState):
                state.in_chunk = True
            try:
                yield uow, ids
            finally:
                if isinstance(state, JobState):
                    state.in_chunk = False
            state["cursor"] = ids[-1]
            if isinstance(state, JobState) and state.checkpoint is not None:
                state.checkpoint(uow)
            uow.commit()
        _drill_pause()


def run_job(
    ctx: Context,
    program_code: str,
    job_name: str,
    as_of: datetime,
    progress: Progress | None = None,
) -> JobAnswer:
    """Runs a job as of a moment once: a finished run answers with its record (`repeated`),
    a run that stopped half-way resumes from its saved state."""
    job = JOBS.get(job_name)
    if job is None:
        raise NotFound(
            f"没有该任务 / no job {job_name!r}; jobs: {', '.join(sorted(JOBS))}",
            code="job_not_found",
        )
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        found = uow.jobs.get(stored.program_id, job_name, as_of)
        if found is not None and found.status == JobStatus.DONE:
            detail = cast(JobDetail, found.detail)
            return _answer(job_name, as_of, found.processed, detail, repeated=True)
        run = _Run.begin(uow, ctx, stored.program_id, job_name, as_of, found, progress)
        uow.commit()
    result = job.run(ctx, stored, as_of, run.state, run.tick)
    run.finish(result.detail)
    return _answer(job_name, as_of, run.processed, result.detail, repeated=False)


@dataclass
class _Run:
    """A run in progress: its state and the members processed, saved with each chunk (or on a
    tick outside one) so a crash resumes where the last commit left it."""

    ctx: Context
    program_id: int
    job: str
    as_of: datetime
    state: JobState
    processed: int
    progress: Progress | None

    @classmethod
    def begin(
        cls,
        uow: UnitOfWork,
        ctx: Context,
        program_id: int,
        job: str,
        as_of: datetime,
        found: JobRun | None,
        progress: Progress | None,
    ) -> _Run:
        """A new run, recorded as running; or the one found unfinished, with its state."""
        state = JobState()
        if found is None:
            uow.jobs.start(program_id, job, as_of, ctx.now())
            processed = 0
        else:
            state.update(found.detail.get("state", {}))
            processed = int(found.processed)
        run = cls(ctx, program_id, job, as_of, state, processed, progress)
        state.checkpoint = run.save
        return run

    def save(self, uow: UnitOfWork) -> None:
        uow.jobs.save(
            self.program_id,
            self.job,
            self.as_of,
            processed=self.processed,
            detail={"state": self.state},
        )

    def tick(self, n: int) -> None:
        self.processed += n
        if not self.state.in_chunk:  # inside a chunk, `chunks` saves with the chunk's commit
            with self.ctx.uow() as uow:
                self.save(uow)
                uow.commit()
        if self.progress:
            self.progress(n)

    def finish(self, detail: JobDetail) -> None:
        with self.ctx.uow() as uow:
            uow.jobs.save(
                self.program_id,
                self.job,
                self.as_of,
                status=JobStatus.DONE,
                processed=self.processed,
                detail=detail,
                finished_at=self.ctx.now(),
            )
            uow.commit()


def _answer(
    job: str, as_of: datetime, processed: int, detail: JobDetail, repeated: bool
) -> JobAnswer:
    return {
        "job": job,
        "as_of": as_of.isoformat(),
        "processed": processed,
        "repeated": repeated,
        **detail,
    }
