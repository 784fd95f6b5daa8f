"""The FastAPI application: API, staff console and health check."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from .. import __version__
from ..services.context import Context
from . import openapi, problems
from .accounts import router as accounts_router
from .cards import audit_router
from .cards import router as cards_router
from .deps import checked_program_code
from .guides import router as guides_router
from .jobs import router as jobs_router
from .logmask import install_log_masking
from .members import programs_router
from .members import router as members_router
from .notify import router as notify_router
from .rewards import router as rewards_router
from .till import router as till_router
from .value import router as value_router

# One router per area, mirroring services/.
ROUTERS = [
    programs_router,
    members_router,
    accounts_router,
    till_router,
    jobs_router,
    rewards_router,
    value_router,
    guides_router,
    cards_router,
    audit_router,
    notify_router,
]


def create_app(ctx: Context) -> FastAPI:
    app = FastAPI(
        title="Huiyuan 会员 API",
        version=__version__,
        description="会员积分与权益 / membership, points and benefits",
        # Every router's {program}: a code with control characters is a 404, not a 500.
        dependencies=[Depends(checked_program_code)],
    )
    app.state.ctx = ctx
    problems.install(app)
    openapi.install(app)
    install_log_masking()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for router in ROUTERS:
        app.include_router(router)
    from ..console.routes import install as install_console

    install_console(app)
    return app
