"""`POST /jobs/{job}`: run a scheduled job as of a moment."""

from __future__ import annotations

from fastapi import APIRouter

from ..jobs import run_job
from ..services.inputs import JobIn
from .deps import Ctx, Manager
from .schemas.common import problems
from .schemas.jobs import JobAnswer

router = APIRouter(prefix="/api/v1/programs/{program}", tags=["jobs"])


@router.post("/jobs/{job}", response_model=JobAnswer, responses=problems(400, 401, 403, 404, 422))
def run(program: str, job: str, ctx: Ctx, _: Manager, body: JobIn | None = None) -> JobAnswer:
    """404 `job_not_found` for a job that does not exist; a finished run answers again with
    `repeated` true."""
    as_of = body.as_of if body and body.as_of else ctx.now()
    return run_job(ctx, program, job, as_of)
