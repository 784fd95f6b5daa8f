"""How `huiyuan serve` runs the ASGI server, in one place: the benchmark's baseline
(bench/bare_app.py) runs under exactly these settings, so the two are compared on equal terms.

- uvloop and httptools (pinned dependencies) when they import: the pure-Python h11 parser and
  the asyncio loop cost every request 0.2-0.4 ms of CPU more on the 2-core machine;
- the access log stays on (one line a request, personal data masked, api/logmask.py);
- one process by default. `--workers N` starts N processes on the same port; each builds its
  own engine from the database URL (SQLite still has one writer at a time: see
  bench/README.md for what a second worker does on 2 cores).
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

# The database URL handed to worker processes (each opens its own engine).
WORKER_DB_ENV = "HUIYUAN_SERVE_DATABASE_URL"


def server_options() -> dict[str, Any]:
    """uvicorn.run keyword arguments shared by `huiyuan serve` and the bench baseline."""
    fast = importlib.util.find_spec("uvloop") and importlib.util.find_spec("httptools")
    return {
        "loop": "uvloop" if fast else "asyncio",
        "http": "httptools" if fast else "h11",
        "log_level": "info",
        "access_log": True,
    }


def run(app: Any, host: str, port: int, workers: int = 1, factory: str | None = None) -> None:
    """Serve `app` (one process) or, with workers > 1, `factory` ("module:function" returning
    the app) in that many processes."""
    import uvicorn

    if workers > 1:
        if factory is None:
            raise ValueError("several workers need an app factory")
        uvicorn.run(
            factory, factory=True, host=host, port=port, workers=workers, **server_options()
        )
    else:
        uvicorn.run(app, host=host, port=port, **server_options())


def worker_app() -> Any:
    """The app in a worker process of `huiyuan serve --workers N` (no scheduler: the parent
    process runs it once for all)."""
    from ..bootstrap import make_context
    from ..settings import get_settings
    from .app import create_app

    ctx = make_context(get_settings(), os.environ[WORKER_DB_ENV])
    return create_app(ctx)
