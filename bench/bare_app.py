"""The HTTP baseline: a bare endpoint in the same framework and server settings as
`huiyuan serve` (FastAPI under uvicorn.run, log_level info), inserting one row per request.

    python -m bench.bare_app --db URL --port P
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert

from huiyuan.store.db import WRITE, make_engine

meta = MetaData()
bare = Table(
    "bench_bare",
    meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ref", String(64), nullable=False),
    Column("body", Text, nullable=False),
)


def create_app(url: str) -> FastAPI:
    engine = make_engine(url)
    meta.create_all(engine)
    app = FastAPI()

    @app.post("/bare", status_code=201)
    def post(body: dict[str, Any]) -> dict[str, Any]:
        with engine.connect().execution_options(**{WRITE: True}) as conn:
            conn.execute(insert(bare).values(ref=str(body.get("receipt_no")), body="{}"))
            conn.commit()
        return {"ok": True}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, required=True)
    a = ap.parse_args()
    uvicorn.run(create_app(a.db), host="127.0.0.1", port=a.port, log_level="info")
