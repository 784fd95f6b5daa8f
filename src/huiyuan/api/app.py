"""The FastAPI application: API, staff console and health check."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from .. import __version__
from ..services.context import Context
from . import openapi, problems
from .cards import router as cards_router
from .guides import router as guides_router
from .jobs import router as jobs_router
from .lifecycle import router as lifecycle_router
from .logmask import install_log_masking
from .notify import router as notify_router
from .perks import router as perks_router
from .routes import _program_code, router
from .till import router as till_router

# Area routers beside the core routes (members, purchases, rewards in routes.py).
ROUTERS = [
    till_router,
    jobs_router,
    perks_router,
    guides_router,
    cards_router,
    lifecycle_router,
    notify_router,
]


def create_app(ctx: Context) -> FastAPI:
    app = FastAPI(
        title="Huiyuan 会员 API",
        version=__version__,
        description="会员积分与权益 / membership, points and benefits",
        # Every router's {program}: a code with control characters is a 404, not a 500.
        dependencies=[Depends(_program_code)],
    )
    app.state.ctx = ctx
    problems.install(app)
    openapi.install(app)
    install_log_masking()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    for extra in ROUTERS:
        app.include_router(extra)
    from ..console.pages import router as console_router

    app.include_router(console_router)
    return app
