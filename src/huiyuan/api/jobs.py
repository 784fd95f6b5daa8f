"""`POST /jobs/{job}`: run a scheduled job as of a moment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..jobs import run_job
from ..services.inputs import JobIn
from .deps import Ctx, Manager

router = APIRouter(prefix="/api/v1")


@router.post("/programs/{program}/jobs/{job}")
def run(program: str, job: str, ctx: Ctx, _: Manager, body: JobIn | None = None) -> dict[str, Any]:
    as_of = body.as_of if body and body.as_of else ctx.now()
    return run_job(ctx, program, job, as_of)
