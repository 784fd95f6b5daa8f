"""`python -m bench` (`make bench`): every benchmark against its same-run baseline; a table on
the terminal and the same rows as JSON in bench/results/<timestamp>.json.

BENCH_SCALE=small for a quick run (minutes), default full. BENCH_ONLY=accrual,http,expiry,balance
picks items; BENCH_DBS=sqlite,postgresql picks databases (PostgreSQL from BENCH_PG, skipped with
a note when unreachable)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from . import balance, checkout_http, expiry, gen
from .accrual import prepare
from .common import ROOT, Database, huiyuan, pg_available, run_child, scale

console = Console(width=int(os.environ.get("BENCH_WIDTH", "190")))
Row = dict[str, Any]


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def accrual(kind: str, work: Path) -> list[Row]:
    sc = scale()
    rows: list[Row] = []
    formats = ("csv", "jsonl") if kind == "sqlite" else ("jsonl",)
    for preset in ("supermarket", "jewelry"):
        for fmt in formats:
            file = gen.write(
                work / f"{preset}.{fmt}", preset, sc.accrual_receipts, sc.accrual_members
            )
            db = Database(kind, work, f"acc_{preset}")
            base = Database(kind, work, f"accb_{preset}")
            try:
                prepare(db, preset, sc.accrual_members)
                pid = prepare(base, preset, sc.accrual_members)
                eng = run_child(
                    [
                        "bench.accrual",
                        "engine",
                        "--db",
                        db.url,
                        "--program",
                        preset,
                        "--file",
                        str(file),
                    ]
                )
                vcode, vout, _ = huiyuan(["verify", "--db", db.url])
                bl = run_child(
                    [
                        "bench.accrual",
                        "baseline",
                        "--db",
                        base.url,
                        "--program-id",
                        str(pid),
                        "--file",
                        str(file),
                    ]
                )
            finally:
                db.drop()
                base.drop()
            e_tp = eng["receipts"] / eng["seconds"]
            b_tp = bl["receipts"] / bl["seconds"]
            rows.append(
                {
                    "item": "1 accrual",
                    "case": f"{preset} {fmt}",
                    "db": kind,
                    "n": eng["receipts"],
                    "metric": "receipts/s",
                    "value": round(e_tp, 1),
                    "p50_ms": None,
                    "p99_ms": None,
                    "peak_rss_mb": eng["peak_rss_mb"],
                    "baseline": round(b_tp, 1),
                    "ratio": _ratio(e_tp, b_tp),
                    "target": ">=40k/s, r>=0.5",
                    "ok": e_tp >= 40000 and (_ratio(e_tp, b_tp) or 0) >= 0.5,
                    "detail": {
                        "engine": eng,
                        "baseline": bl,
                        "verify_ok": vcode == 0,
                        "verify": vout.splitlines()[-1] if vout else "",
                    },
                }
            )
            _progress(rows[-1])
    return rows


def http(kind: str, work: Path) -> list[Row]:
    res = checkout_http.run(kind, work)
    em, bm, ef, bf = (
        res[k] for k in ("engine_max", "baseline_max", "engine_fixed", "baseline_fixed")
    )
    target = 3000 if kind == "sqlite" else 2000
    rows = [
        {
            "item": "2 checkout",
            "case": "POST /purchases, max (16 conns)",
            "db": kind,
            "n": em["completed"],
            "metric": "req/s",
            "value": round(em["throughput"], 1),
            "p50_ms": round(em["p50_ms"], 2),
            "p99_ms": round(em["p99_ms"], 2),
            "peak_rss_mb": None,
            "baseline": round(bm["throughput"], 1),
            "ratio": _ratio(em["throughput"], bm["throughput"]),
            "target": f">={target}/s, r>=0.5",
            "ok": em["throughput"] >= target
            and (_ratio(em["throughput"], bm["throughput"]) or 0) >= 0.5,
            "detail": res,
        },
        {
            "item": "2 checkout",
            "case": f"POST /purchases @ {res['offered_rate']:.0f}/s offered",
            "db": kind,
            "n": ef["completed"],
            "metric": "req/s",
            "value": round(ef["throughput"], 1),
            "p50_ms": round(ef["p50_ms"], 2),
            "p99_ms": round(ef["p99_ms"], 2),
            "peak_rss_mb": None,
            "baseline": round(bf["throughput"], 1),
            "ratio": _ratio(ef["throughput"], bf["throughput"]),
            "target": "p99 <= 20 ms" if kind == "sqlite" else "",
            "ok": kind == "sqlite" and ef["p99_ms"] <= 20,
            "detail": {"baseline_p50_ms": bf["p50_ms"], "baseline_p99_ms": bf["p99_ms"]},
        },
    ]
    for r in rows:
        _progress(r)
    return rows


def expire(kind: str, work: Path) -> list[Row]:
    res = expiry.run(kind, work)
    row = {
        "item": "3 expiry",
        "case": f"{res['members']:,} members / {res['lots']:,} lots",
        "db": kind,
        "n": res["lots"],
        "metric": "seconds",
        "value": round(res["job_s"], 2),
        "p50_ms": None,
        "p99_ms": None,
        "peak_rss_mb": None,
        "baseline": round(res["baseline_s"], 2),
        "ratio": _ratio(res["job_s"], res["baseline_s"]),
        "target": "<=30 s, r<=2, verify",
        "ok": res["job_s"] <= 30 and res["job_s"] <= 2 * res["baseline_s"] and res["verify_ok"],
        "detail": res,
    }
    _progress(row)
    return [row]


def bal(kind: str, work: Path) -> list[Row]:
    res = balance.run(kind, work)
    row = {
        "item": "4 balance",
        "case": f"GET balance, {res['lots']:,} lots (API in-process)",
        "db": kind,
        "n": res["calls"],
        "metric": "ms p99",
        "value": round(res["api_p99_ms"], 2),
        "p50_ms": round(res["api_p50_ms"], 2),
        "p99_ms": round(res["api_p99_ms"], 2),
        "peak_rss_mb": res["peak_rss_mb"],
        "baseline": round(res["baseline_p99_ms"], 3),
        "ratio": _ratio(res["api_p99_ms"], res["baseline_p99_ms"]),
        "target": "p99 <= 5 ms",
        "ok": res["api_p99_ms"] <= 5,
        "detail": res,
    }
    _progress(row)
    return [row]


ITEMS = {"accrual": accrual, "http": http, "expiry": expire, "balance": bal}


def _progress(row: Row) -> None:
    console.print(
        f"  {row['item']} | {row['case']} | {row['db']}: {row['value']} {row['metric']} "
        f"(baseline {row['baseline']}, ratio {row['ratio']})"
    )


def table(rows: list[Row], title: str) -> Table:
    t = Table(title=title)
    for col in (
        "item",
        "case",
        "db",
        "n",
        "value",
        "p50 ms",
        "p99 ms",
        "RSS MB",
        "baseline",
        "ratio",
        "target",
        "met",
    ):
        t.add_column(
            col, justify="right" if col not in ("item", "case", "db", "target") else "left"
        )
    for r in rows:
        if "error" in r:
            t.add_row(r["item"], r.get("case", ""), r["db"], "", "error: " + r["error"][:60])
            continue
        fmt = lambda v: "" if v is None else (f"{v:,}" if isinstance(v, int) else str(v))  # noqa: E731
        t.add_row(
            r["item"],
            r["case"],
            r["db"],
            fmt(r["n"]),
            f"{r['value']} {r['metric']}",
            fmt(r["p50_ms"]),
            fmt(r["p99_ms"]),
            fmt(r["peak_rss_mb"]),
            fmt(r["baseline"]),
            fmt(r["ratio"]),
            r["target"],
            "yes" if r["ok"] else "no",
        )
    return t


def main() -> None:
    sc = scale()
    only = [x for x in os.environ.get("BENCH_ONLY", ",".join(ITEMS)).split(",") if x]
    dbs = [x for x in os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",") if x]
    why = pg_available() if "postgresql" in dbs else None
    notes: list[str] = []
    if why is not None:
        dbs.remove("postgresql")
        notes.append(f"PostgreSQL skipped: {why}")
    work = Path(tempfile.mkdtemp(prefix="huiyuan-bench-"))
    rows: list[Row] = []
    started = time.perf_counter()
    console.print(f"[bold]huiyuan bench[/] scale={sc.name} items={only} dbs={dbs} work={work}")
    try:
        for item in only:
            for kind in dbs:
                if item == "accrual" and kind == "postgresql" and not sc.accrual_pg:
                    continue
                try:
                    rows += ITEMS[item](kind, work)
                except Exception as exc:  # report and go on with the other items
                    console.print(f"[red]{item} on {kind} failed[/]: {exc}")
                    rows.append(
                        {
                            "item": item,
                            "db": kind,
                            "error": str(exc),
                            "trace": traceback.format_exc(),
                        }
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    title = f"huiyuan bench ({sc.name}, {total:.0f} s)"
    console.print(table(rows, title))
    for n in notes:
        console.print(n)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{stamp}-{sc.name}.json"
    machine = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
    }
    path.write_text(
        json.dumps(
            {"scale": sc.name, "seconds": total, "machine": machine, "notes": notes, "rows": rows},
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    console.print(f"results: {path.relative_to(ROOT)}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
