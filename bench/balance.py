"""4. Balance look-up at the till, in-process: GET /members/{id}/balance?as_of=now for a member
with 2,000 lots (and allocations), against a single indexed SELECT of the member row; and, as a
second baseline, GET /healthz through the same TestClient: what the in-process HTTP round trip
(httpx, the TestClient's event-loop thread, a worker thread for a sync endpoint) costs alone.

Runs as a child process: python -m bench.balance --db URL --member ID --calls N
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .common import Database, load_program, percentile, report, run_child, scale
from .ledger_data import busy_member


def _timed(fn: Any, calls: int) -> list[float]:
    for _ in range(min(50, calls)):  # warm-up: statement caches, imports
        fn()
    out = []
    for _ in range(calls):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def child(url: str, member: str, calls: int) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from huiyuan.api.app import create_app
    from huiyuan.bootstrap import make_context
    from huiyuan.services import accounts
    from huiyuan.services.tokens import create_token
    from huiyuan.settings import get_settings
    from huiyuan.store.schema import members

    ctx = make_context(get_settings(), url)
    token = create_token(ctx, "cashier", "bench")
    client = TestClient(create_app(ctx))
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/programs/supermarket/members/{member}/balance"
    now = datetime.now(UTC).isoformat()
    first = client.get(path, params={"as_of": now}, headers=headers)
    assert first.status_code == 200, first.text
    api = _timed(lambda: client.get(path, params={"as_of": now}, headers=headers), calls)
    at = datetime.now(UTC)
    service = _timed(lambda: accounts.balance(ctx, "supermarket", member, at), calls)
    # A past moment, before some of the member's entries: the lots are summed from their
    # allocations up to then (the path a statement or a tier review takes).
    past = datetime(2026, 4, 1, tzinfo=UTC)
    service_past = _timed(lambda: accounts.balance(ctx, "supermarket", member, past), calls)

    def row() -> None:
        with ctx.engine.connect() as conn:
            conn.execute(
                select(members).where(members.c.program_id == 1, members.c.member_id == member)
            ).first()

    base = _timed(row, calls)
    bare = _timed(lambda: client.get("/healthz"), calls)
    res = {
        "points": first.json()["points"],
        "calls": calls,
        "api_p50_ms": percentile(api, 50),
        "api_p99_ms": percentile(api, 99),
        "service_p50_ms": percentile(service, 50),
        "service_p99_ms": percentile(service, 99),
        "service_past_p50_ms": percentile(service_past, 50),
        "service_past_p99_ms": percentile(service_past, 99),
        "baseline_p50_ms": percentile(base, 50),
        "baseline_p99_ms": percentile(base, 99),
        "testclient_healthz_p50_ms": percentile(bare, 50),
        "testclient_healthz_p99_ms": percentile(bare, 99),
    }
    report(res)


def run(kind: str, workdir: Path) -> dict[str, Any]:
    sc = scale()
    db = Database(kind, workdir, "balance")
    try:
        db.migrate()
        pid = load_program(db, "supermarket")
        assert pid == 1
        member = busy_member(db, pid, sc.balance_lots)
        out = run_child(
            ["bench.balance", "--db", db.url, "--member", member, "--calls", str(sc.balance_calls)]
        )
        out["lots"] = sc.balance_lots
        return out
    finally:
        db.drop()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--member", required=True)
    ap.add_argument("--calls", type=int, default=2000)
    a = ap.parse_args()
    child(a.db, a.member, a.calls)
