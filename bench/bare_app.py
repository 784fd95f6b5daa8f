"""The HTTP baseline: a bare endpoint in the same framework and under the same server settings
as `huiyuan serve`, inserting one row per request.

Same server: `huiyuan.api.server.run` (the uvicorn loop, HTTP parser, access log and worker
count that `huiyuan serve` uses; `--workers` as given to the engine's server). Same endpoint
shape as the till's `POST /purchases` (api/till.py): an `async def` route, the JSON body
validated by FastAPI, the database work alone in the thread pool (one hand-off), a write
transaction from the same engine factory (SQLite: the same PRAGMAs, BEGIN IMMEDIATE and writer
queue), and the answer sent as a JSONResponse. What it leaves out is everything the engine
does on top: authentication, the program, idempotency, pricing, the ledger.

    python -m bench.bare_app --db URL --port P [--workers N]
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, insert
from starlette.concurrency import run_in_threadpool

from huiyuan.api import server
from huiyuan.store.db import WRITE, make_engine

meta = MetaData()
bare = Table(
    "bench_bare",
    meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ref", String(64), nullable=False),
    Column("body", Text, nullable=False),
)
DB_ENV = "BENCH_BARE_DB"


def _insert(engine: Engine, ref: str) -> None:
    with engine.connect().execution_options(**{WRITE: True}) as conn:
        conn.execute(insert(bare).values(ref=ref, body="{}"))
        conn.commit()


def create_app(url: str) -> FastAPI:
    engine = make_engine(url)
    meta.create_all(engine)
    app = FastAPI()

    @app.post("/bare", status_code=201, response_model=None)
    async def post(body: dict[str, Any]) -> JSONResponse:
        await run_in_threadpool(_insert, engine, str(body.get("receipt_no")))
        return JSONResponse({"ok": True}, status_code=201)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def worker_app() -> FastAPI:
    return create_app(os.environ[DB_ENV])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    if a.workers > 1:
        os.environ[DB_ENV] = a.db
        meta.create_all(make_engine(a.db))  # once, before the workers race to create it
        server.run(None, "127.0.0.1", a.port, a.workers, factory="bench.bare_app:worker_app")
    else:
        server.run(create_app(a.db), "127.0.0.1", a.port)
