"""A small HTTP/1.1 load generator (asyncio, keep-alive connections, pre-encoded requests), run
as its own process so it never shares the server's interpreter:

    python -m bench.loadgen --port P --requests FILE --rate R --seconds S --connections C

Open loop at a fixed offered rate (--rate > 0): request i is due at i/rate and its latency is
counted from when it was due (no coordinated omission); closed loop (--rate 0): each connection
sends its next request as soon as the last one is answered. Bounded by --seconds and by the
number of requests in FILE (one JSON object a line: {"path", "body", "headers"})."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from pathlib import Path
from typing import Any

from .common import percentile, report


def _encode(port: int, item: dict) -> bytes:
    body = json.dumps(item["body"], separators=(",", ":")).encode()
    head = [f"POST {item['path']} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    head += [f"{k}: {v}" for k, v in item.get("headers", {}).items()]
    head += ["Content-Type: application/json", f"Content-Length: {len(body)}", "", ""]
    return "\r\n".join(head).encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def main(port: int, requests: list[bytes], rate: float, seconds: float, conns: int) -> dict:
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    lat: list[float] = []
    codes: dict[int, int] = {}
    errors = 0
    start = time.perf_counter()
    cpu_start = _cpu_seconds()
    deadline = start + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                job = await queue.get()
                if job is None:
                    return
                i, due = job
                due = due or time.perf_counter()  # closed loop: from when it was taken
                if time.perf_counter() > deadline + 5:
                    continue  # past the bound: drop what was never sent
                try:
                    writer.write(requests[i])
                    status = await _read_response(reader)
                except Exception:
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                lat.append((time.perf_counter() - due) * 1000)
                codes[status] = codes.get(status, 0) + 1
        finally:
            writer.close()

    tasks = [asyncio.create_task(worker()) for _ in range(conns)]
    sent = 0
    if rate > 0:
        for i in range(len(requests)):
            due = start + i / rate
            now = time.perf_counter()
            if due > deadline:
                break
            if due > now:
                await asyncio.sleep(due - now)
            queue.put_nowait((i, due))
            sent += 1
    else:
        # Closed loop: keep the queue just ahead of the workers until time or requests run out.
        i = 0
        while i < len(requests) and time.perf_counter() < deadline:
            while queue.qsize() < conns and i < len(requests):
                queue.put_nowait((i, 0.0))
                i += 1
            await asyncio.sleep(0.001)
        sent = i
    for _ in tasks:
        queue.put_nowait(None)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    done = len(lat)
    return {
        "offered_rate": rate,
        "sent": sent,
        "completed": done,
        "errors": errors,
        "codes": {str(k): v for k, v in sorted(codes.items())},
        "seconds": elapsed,
        "throughput": done / elapsed if elapsed else 0.0,
        "p50_ms": percentile(lat, 50),
        "p99_ms": percentile(lat, 99),
        # The generator's own CPU: near 100% would mean it, not the server, set the pace.
        "loadgen_cpu_pct": round(100 * cpu / elapsed, 1) if elapsed else 0.0,
        "loadgen_cpu_ms_per_req": round(1000 * cpu / done, 3) if done else None,
    }


def _cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def run() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--requests", type=Path, required=True)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=32)
    a = ap.parse_args()
    items = [json.loads(t) for t in a.requests.read_text().splitlines() if t.strip()]
    reqs = [_encode(a.port, it) for it in items]
    report(_run_loop(main(a.port, reqs, a.rate, a.seconds, a.connections)))


def _run_loop(coro: Any) -> Any:
    """uvloop where it is installed (a dependency of the server): less of the shared CPU for
    the generator; asyncio otherwise."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


if __name__ == "__main__":
    run()
