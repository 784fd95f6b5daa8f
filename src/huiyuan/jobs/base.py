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
    job = JOBS.get(job_name)
    if job is None:
        raise NotFound(
            f"没有该任务 / no job {job_name!r}; jobs: {', '.join(sorted(JOBS))}",
            code="job_not_found",
        )
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        run = uow.jobs.get(stored.program_id, job_name, as_of)
        if run is not None and run.status == JobStatus.DONE:
            detail = cast(JobDetail, run.detail)
            return _answer(job_name, as_of, run.processed, detail, repeated=True)
        state = JobState()
        if run is None:
            uow.jobs.start(stored.program_id, job_name, as_of, now)
            done_before = 0
        else:  # resume a run that stopped half-way
            state.update(run.detail.get("state", {}))
            done_before = int(run.processed)
        uow.commit()

    counter = {"n": done_before}

    def save(u: UnitOfWork) -> None:
        u.jobs.save(
            stored.program_id, job_name, as_of, processed=counter["n"], detail={"state": state}
        )

    state.checkpoint = save

    def tick(n: int) -> None:
        counter["n"] += n
        if not state.in_chunk:  # inside a chunk, `chunks` saves with the chunk's commit
            with ctx.uow() as u:
                save(u)
                u.commit()
        if progress:
            progress(n)

    result = job.run(ctx, stored, as_of, state, tick)
    processed = counter["n"]
    with ctx.uow() as uow:
        uow.jobs.save(
            stored.program_id,
            job_name,
            as_of,
            status=JobStatus.DONE,
            processed=processed,
            detail=result.detail,
            finished_at=ctx.now(),
        )
        uow.commit()
    return _answer(job_name, as_of, processed, result.detail, repeated=False)


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
