"""2. Online checkout over HTTP: `huiyuan serve` on loopback, POST /purchases with 5 lines, 20%
with points_to_redeem, from a separate load-generator process; against a bare FastAPI endpoint
inserting one row under the same server settings (huiyuan.api.server: the same uvicorn loop,
HTTP parser, access log and worker count, BENCH_HTTP_WORKERS, default 1, for both)."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from .common import (
    MEMBER_COLUMNS,
    PYTHON,
    ROOT,
    Database,
    bulk_insert,
    env,
    huiyuan,
    member_id,
    member_rows,
    run_child,
    scale,
)
from .gen import _supermarket_lines
from .ledger_data import CLEARING, EARNED, ENTRY_COLUMNS, LOT_COLUMNS, fix_sequences

OFFSET = """
[rewards.offset]
# bench only: 100 points = 1.00 off, in hundreds, at most half the goods
points = 100
value = "1.00"
multiple_of = 100
cap_share = "0.5"
"""
START_POINTS = 1_000_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _program_file(workdir: Path) -> Path:
    src = (ROOT / "src/huiyuan/presets/supermarket.toml").read_text(encoding="utf-8")
    path = workdir / "supermarket_offset.toml"
    path.write_text(src + OFFSET, encoding="utf-8")
    return path


def _members(db: Database, program_id: int, n: int) -> None:
    """n active members, each with one earlier lot of START_POINTS (so offsets never run out)."""
    conn = db.raw()
    if db.kind == "sqlite":
        conn.execute("BEGIN IMMEDIATE")
    pts = [START_POINTS] * n
    bulk_insert(
        db, conn, "members", MEMBER_COLUMNS, member_rows(program_id, n, "member", points=pts)
    )
    bulk_insert(
        db,
        conn,
        "ledger_entries",
        ENTRY_COLUMNS,
        (
            (
                i + 1,
                program_id,
                member_id(i),
                "earn",
                START_POINTS,
                EARNED,
                EARNED,
                f"seed{i}",
                "purchase",
            )
            for i in range(n)
        ),
    )
    bulk_insert(
        db,
        conn,
        "lots",
        LOT_COLUMNS,
        (
            (i + 1, program_id, member_id(i), i + 1, START_POINTS, START_POINTS, EARNED, CLEARING)
            for i in range(n)
        ),
    )
    conn.execute("COMMIT") if db.kind == "sqlite" else conn.commit()
    fix_sequences(db, conn)
    conn.close()


def _requests(path: Path, tag: str, n: int, members: int, token: str, url_path: str) -> Path:
    rng = random.Random(tag)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            body: dict[str, Any] = {
                "receipt_no": f"{tag}-{i:08d}",
                "member_id": member_id(rng.randrange(members)),
                "store": f"S{rng.randrange(50):02d}",
                "lines": _supermarket_lines(rng),
            }
            if rng.random() < 0.2:
                body["points_to_redeem"] = 100
            item = {"path": url_path, "body": body, "headers": {"Authorization": f"Bearer {token}"}}
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def workers() -> int:
    return int(os.environ.get("BENCH_HTTP_WORKERS", "1"))


def _cpu_seconds(pid: int) -> float | None:
    """CPU time of a process and its children (worker processes), from /proc (Linux)."""
    total = 0.0
    try:
        tick = os.sysconf("SC_CLK_TCK")
        pids = [pid]
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        for p in pids:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError):
        return None
    return total


class Server:
    def __init__(self, args: list[str], port: int, log: Path):
        self.port = port
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env(), stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _load(
    srv: Server, port: int, file: Path, rate: float, seconds: float, conns: int
) -> dict[str, Any]:
    """One phase; with the server's CPU per answered request (what the server costs whatever
    else runs on the machine) beside the generator's own."""
    before = _cpu_seconds(srv.proc.pid)
    out = _load_only(port, file, rate, seconds, conns)
    after = _cpu_seconds(srv.proc.pid)
    if before is not None and after is not None and out.get("completed"):
        out["server_cpu_ms_per_req"] = round(1000 * (after - before) / out["completed"], 3)
        out["server_cpu_pct"] = round(100 * (after - before) / out["seconds"], 1)
    return out


def _load_only(port: int, file: Path, rate: float, seconds: float, conns: int) -> dict[str, Any]:
    return run_child(
        [
            "bench.loadgen",
            "--port",
            str(port),
            "--requests",
            str(file),
            "--rate",
            str(rate),
            "--seconds",
            str(seconds),
            "--connections",
            str(conns),
        ],
        timeout=seconds + 120,
    )


def run(kind: str, workdir: Path, rate: float = 1000.0) -> dict[str, Any]:
    sc = scale()
    db = Database(kind, workdir, "http")
    from huiyuan.api.server import server_options

    out: dict[str, Any] = {
        "offered_rate": rate,
        "server": {**server_options(), "workers": workers()},
    }
    try:
        db.migrate()
        code, text, _ = huiyuan(
            ["program", "load", "--file", str(_program_file(workdir)), "--db", db.url]
        )
        if code != 0:
            raise RuntimeError(text)
        _members(db, 1, sc.http_members)
        code, text, _ = huiyuan(["token", "create", "--role", "cashier", "--db", db.url])
        token = text.splitlines()[-1].strip()
        path = "/api/v1/programs/supermarket/purchases"
        n_fixed = int(rate * sc.http_seconds)
        port = _free_port()
        srv = Server(
            [
                str(Path(PYTHON).parent / "huiyuan"),
                "serve",
                "--db",
                db.url,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers()),
            ],
            port,
            workdir / f"serve_{kind}.log",
        )
        try:
            warm = _requests(workdir / "warm.jsonl", f"{kind}w", 200, sc.http_members, token, path)
            _load(srv, port, warm, 0, 10, 4)
            f1 = _requests(
                workdir / "fixed.jsonl", f"{kind}f", n_fixed, sc.http_members, token, path
            )
            out["engine_fixed"] = _load(srv, port, f1, rate, sc.http_seconds, 256)
            f2 = _requests(
                workdir / "max.jsonl", f"{kind}m", sc.http_requests, sc.http_members, token, path
            )
            out["engine_max"] = _load(srv, port, f2, 0, sc.http_seconds, 16)
        finally:
            srv.stop()
        port = _free_port()
        srv = Server(
            [
                PYTHON,
                "-m",
                "bench.bare_app",
                "--db",
                db.url,
                "--port",
                str(port),
                "--workers",
                str(workers()),
            ],
            port,
            workdir / f"bare_{kind}.log",
        )
        try:
            warm = _requests(
                workdir / "warm.jsonl", f"{kind}bw", 200, sc.http_members, "x", "/bare"
            )
            _load(srv, port, warm, 0, 10, 4)
            b1 = _requests(
                workdir / "bfixed.jsonl", f"{kind}bf", n_fixed, sc.http_members, "x", "/bare"
            )
            out["baseline_fixed"] = _load(srv, port, b1, rate, sc.http_seconds, 256)
            b2 = _requests(
                workdir / "bmax.jsonl", f"{kind}bm", sc.http_requests, sc.http_members, "x", "/bare"
            )
            out["baseline_max"] = _load(srv, port, b2, 0, sc.http_seconds, 16)
        finally:
            srv.stop()
        vcode, vtext, _ = huiyuan(["verify", "--db", db.url])
        out["verify_ok"] = vcode == 0
        out["verify_out"] = vtext.splitlines()[-1] if vtext else ""
        return out
    finally:
        db.drop()
