"""Shared helpers: scales, fresh databases, bulk loading, child processes and their memory."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_KEY = base64.b64encode(b"b" * 32).decode()
PG_ADMIN = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PYTHON = sys.executable


def env() -> dict[str, str]:
    """The environment every child runs with: a fixed key (no key files), quiet logs."""
    out = dict(os.environ)
    out["HUIYUAN_SECRET_KEY"] = BENCH_KEY
    out["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), str(ROOT / "src"), out.get("PYTHONPATH", "")) if p
    )
    return out


os.environ.setdefault("HUIYUAN_SECRET_KEY", BENCH_KEY)


@dataclass(frozen=True)
class Scale:
    name: str
    accrual_receipts: int  # per preset and format
    accrual_members: int
    accrual_pg: bool
    http_requests: int  # per phase, bounded
    http_seconds: float  # per phase, bounded
    http_members: int
    expiry_members: int
    lots_per_member: int
    balance_lots: int
    balance_calls: int


SCALES = {
    "small": Scale("small", 400, 400, True, 1_000, 3.0, 2_000, 20_000, 5, 2_000, 200),
    "full": Scale("full", 20_000, 5_000, True, 20_000, 15.0, 20_000, 1_000_000, 5, 2_000, 2_000),
}


def scale() -> Scale:
    chosen = SCALES[os.environ.get("BENCH_SCALE", "full")]
    # Intermediate expiry sizes (e.g. 200,000) without the full scale's 11 M rows.
    members = os.environ.get("BENCH_EXPIRY_MEMBERS")
    if members:
        chosen = dataclasses.replace(chosen, expiry_members=int(members))
    return chosen


# -- databases


def pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(_pg_dsn(PG_ADMIN), connect_timeout=3) as conn:
            conn.execute("select 1")
        return None
    except Exception as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


class Database:
    """A fresh database: a SQLite file under the work folder, or a new schema in the
    PostgreSQL database of BENCH_PG (a schema drops without the checkpoint DROP DATABASE
    waits for)."""

    def __init__(self, kind: str, workdir: Path, name: str):
        self.kind = kind
        self.name = name
        if kind == "sqlite":
            self.path = workdir / f"{name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.url = f"sqlite:///{self.path}"
        else:
            self.schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
            self.url = f"{PG_ADMIN}?options=-csearch_path%3D{self.schema}"
            self._admin(f"CREATE SCHEMA {self.schema}")

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(_pg_dsn(PG_ADMIN), autocommit=True) as conn:
            conn.execute(sql)

    def migrate(self) -> None:
        """The schema from the table definitions, stamped as the newest migration (as the
        test suite builds it; tests/integration/test_migrations.py proves the two agree), so
        the bench runs while a column waits for its migration."""
        from alembic import command

        from huiyuan.store.db import alembic_config, make_engine
        from huiyuan.store.schema import metadata

        engine = make_engine(self.url)
        metadata.create_all(engine)
        command.stamp(alembic_config(engine), "head")
        engine.dispose()

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            self._admin(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def raw(self) -> Any:
        """A plain DBAPI connection (sqlite3 or psycopg), autocommit off."""
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.path, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            return conn
        import psycopg

        return psycopg.connect(_pg_dsn(PG_ADMIN), options=f"-csearch_path={self.schema}")

    @classmethod
    def from_url(cls, url: str) -> Database:
        db = object.__new__(cls)
        db.url = url
        if url.startswith("sqlite"):
            db.kind, db.path = "sqlite", Path(url.removeprefix("sqlite:///"))
        else:
            db.kind, db.schema = "postgresql", url.rsplit("%3D", 1)[1]
        return db


def sqlite_moment(value: datetime) -> str:
    """How SQLAlchemy stores an aware moment on SQLite (UTC, no offset)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def native(kind: str, value: Any) -> Any:
    if kind == "sqlite":
        if isinstance(value, datetime):
            return sqlite_moment(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def bulk_insert(
    db: Database,
    conn: Any,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    chunk: int = 50_000,
) -> int:
    """Rows already in storage form (money in fen, qty in thousandths); moments and JSON are
    converted here. SQLite: executemany; PostgreSQL: COPY. The caller commits."""
    n = 0
    if db.kind == "sqlite":
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        )
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(native("sqlite", v) for v in row))
            if len(batch) >= chunk:
                conn.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        if batch:
            conn.executemany(sql, batch)
            n += len(batch)
        return n
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row([native("postgresql", v) for v in row])
            n += 1
    return n


def chunked(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


# -- members

MEMBER_COLUMNS = (
    "program_id",
    "member_id",
    "status",
    "kind",
    "tier",
    "name",
    "birthday",
    "anniversary",
    "is_staff",
    "referrer_id",
    "joined_at",
    "attributes",
    "points",
    "debt",
    "points_earned_total",
    "stored_value",
    "carry",
    "created_at",
    "updated_at",
)

JOINED = datetime(2025, 1, 1, tzinfo=UTC)


def member_id(i: int) -> str:
    return f"M{i:09d}"


def member_rows(
    program_id: int,
    n: int,
    tier: str,
    referrals: bool = False,
    celebrations: bool = False,
    points: Sequence[int] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Members as enrolment leaves them (active, first tier, no points), without personal data
    (the bench never reads it); a tenth name a referrer, some have a birthday or anniversary."""
    for i in range(n):
        birthday = f"19{70 + i % 30}-{1 + i % 12:02d}-{1 + i % 28:02d}" if celebrations else None
        anniversary = f"20{i % 20:02d}-{1 + (i * 7) % 12:02d}-{1 + i % 27:02d}"
        referrer = member_id(i // 10) if referrals and i % 10 == 9 and i >= 10 else None
        p = points[i] if points is not None else 0
        yield (
            program_id,
            member_id(i),
            "active",
            "personal",
            tier,
            f"会员{i}",
            birthday,
            anniversary if celebrations and i % 3 == 0 else None,
            False,
            referrer,
            JOINED,
            {},
            p,
            0,
            p,
            0,
            {},
            JOINED,
            JOINED,
        )


def load_program(db: Database, preset: str | None = None, file: Path | None = None) -> int:
    """Loads a preset (or a program file) the way `huiyuan program load` does; its id."""
    from huiyuan.bootstrap import make_context
    from huiyuan.presets.loader import load_preset, load_program_file
    from huiyuan.services import programs
    from huiyuan.settings import get_settings

    ctx = make_context(get_settings(), db.url)
    program = load_program_file(file) if file else load_preset(preset or "")
    programs.load(ctx, program, None, f"bench:{preset or file}", replace=False)
    with ctx.uow(write=False) as uow:
        stored = uow.programs.get(program.code)
        assert stored is not None
        pid = stored.program_id
    ctx.engine.dispose()
    return pid


# -- child processes


def run_child(args: list[str], timeout: float = 3600) -> dict[str, Any]:
    """Runs `python -m bench.<module> ...` and returns the JSON object it printed last (the
    child reports its own peak RSS, ru_maxrss, as peak_rss_mb)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "-m", *args],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    result.setdefault("wall_s", time.perf_counter() - start)
    return result


def report(result: dict[str, Any]) -> None:
    """A child's last line: its result as JSON, with its peak RSS."""
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(result), flush=True)


def peak_rss_mb() -> float:
    """This process's peak RSS in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def huiyuan(args: list[str], timeout: float = 3600) -> tuple[int, str, float]:
    """Runs the `huiyuan` CLI; (exit code, output, seconds)."""
    exe = Path(PYTHON).parent / "huiyuan"
    start = time.perf_counter()
    proc = subprocess.run(
        [str(exe), *args], env=env(), capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    return proc.returncode, (proc.stdout + proc.stderr).strip(), time.perf_counter() - start


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]
