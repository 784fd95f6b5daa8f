"""Property tests of the points ledger against a real database (SQLite and PostgreSQL).

Random sequences of earn / spend / clawback (of an earlier earning) / expire are posted with
huiyuan.services.ledger (expiry: the expire job's sweep of the member), and after every step
the database must agree with itself and with a small, independent Python model:

    member.points == sum(entries) == sum(lot remainders) - member.debt
    0 <= lot.remaining <= lot.points, and each remainder equals the model's
    a spend of more than is available is refused (insufficient_points) and changes nothing
    balance_as_of(now) equals the model (expired lots count as gone, job run or not)

and `verify()` finds nothing at the end. One more test runs every generated sequence on
SQLite and on PostgreSQL side by side and compares the results row for row.

A database per hypothesis example would be slow: each test keeps one database and enrolls a
new member per example.
"""

from __future__ import annotations

import base64
import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from huiyuan.domain.ledger import EntryKind
from huiyuan.errors import Invalid
from huiyuan.jobs.expire_points import expire_members
from huiyuan.security import Sealer
from huiyuan.services import ledger, members
from huiyuan.services.context import Context
from huiyuan.services.inputs import MemberIn
from huiyuan.services.verify import verify
from huiyuan.store.db import make_engine
from huiyuan.store.schema import allocations, ledger_entries, lots
from tests.conftest import PG_SCHEMAS, TEST_KEY, Clock, load_preset_into, require_pg

PROGRAM = "supermarket"
START = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
_phones = itertools.count(1)

PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# -- the steps


@dataclass(frozen=True)
class Earn:
    points: int
    expires_in_days: int | None  # None: never expires
    advance_hours: int


@dataclass(frozen=True)
class Spend:
    points: int
    advance_hours: int


@dataclass(frozen=True)
class Clawback:
    pick: int  # which earlier earning (modulo how many there are)
    points: int  # how much of it (modulo its size, plus one)
    advance_hours: int


@dataclass(frozen=True)
class Expire:
    advance_hours: int


Step = Earn | Spend | Clawback | Expire

hours = st.integers(0, 60)
step_strategy = st.one_of(
    st.builds(Earn, st.integers(1, 200), st.one_of(st.none(), st.integers(1, 6)), hours),
    st.builds(Spend, st.integers(1, 250), hours),
    st.builds(Clawback, st.integers(0, 50), st.integers(0, 400), hours),
    st.builds(Expire, st.integers(0, 150)),
)
sequences = st.lists(step_strategy, min_size=1, max_size=15)


# -- the model: deliberately simple, sharing no code with the ledger


@dataclass
class MLot:
    entry_id: int  # the earning entry that made the lot (the model's key into the database)
    seq: int  # creation order (= lot_id order)
    points: int
    remaining: int
    earned_at: datetime
    expires_at: datetime | None

    def usable(self, moment: datetime) -> bool:
        return self.remaining > 0 and (self.expires_at is None or self.expires_at > moment)

    def order(self) -> tuple[int, datetime, datetime, int]:
        if self.expires_at is None:
            return (1, self.earned_at, self.earned_at, self.seq)
        return (0, self.expires_at, self.earned_at, self.seq)


@dataclass
class Model:
    lots: list[MLot] = field(default_factory=list)
    debts: list[list[int]] = field(default_factory=list)  # [clawback entry id, still owed]
    points: int = 0  # sum of all entries

    @property
    def debt(self) -> int:
        return sum(owed for _, owed in self.debts)

    def available(self, moment: datetime) -> int:
        return sum(lt.remaining for lt in self.lots if lt.usable(moment))

    def earn(self, entry_id: int, points: int, at: datetime, expires: datetime | None) -> None:
        lot = MLot(entry_id, len(self.lots), points, points, at, expires)
        self.lots.append(lot)
        for d in self.debts:  # debts oldest first, settled from the new lot
            take = min(d[1], lot.remaining)
            d[1] -= take
            lot.remaining -= take
        self.debts = [d for d in self.debts if d[1] > 0]
        self.points += points

    def spend(self, points: int, at: datetime) -> None:
        assert points <= self.available(at)
        left = points
        for lt in sorted((x for x in self.lots if x.usable(at)), key=MLot.order):
            take = min(lt.remaining, left)
            lt.remaining -= take
            left -= take
        assert left == 0
        self.points -= points

    def clawback(self, entry_id: int, points: int, source: MLot | None, at: datetime) -> None:
        left = points
        # From the lot the earning made (if it is still usable), then from other usable lots.
        if source is not None and source.usable(at):
            take = min(source.remaining, left)
            source.remaining -= take
            left -= take
        for lt in sorted(
            (x for x in self.lots if x.usable(at) and x is not source), key=MLot.order
        ):
            take = min(lt.remaining, left)
            lt.remaining -= take
            left -= take
        if left:
            self.debts.append([entry_id, left])
        self.points -= points

    def expire(self, at: datetime) -> int:
        total = 0
        for lt in self.lots:
            if lt.expires_at is not None and lt.expires_at <= at and lt.remaining > 0:
                total += lt.remaining
                lt.remaining = 0
        self.points -= total
        return total

    def balance_as_of(self, at: datetime) -> tuple[int, list[tuple[datetime, int]]]:
        expiring: dict[datetime, int] = {}
        for lt in self.lots:
            if lt.usable(at) and lt.expires_at is not None:
                expiring[lt.expires_at] = expiring.get(lt.expires_at, 0) + lt.remaining
        return self.available(at) - self.debt, sorted(expiring.items())


# -- running a sequence against a database


@dataclass
class Member:
    ctx: Context
    clock: Clock
    program_id: int
    member_id: str

    def posting(self) -> ledger.Posting:
        now = self.clock.now
        return ledger.Posting(self.program_id, self.member_id, now, now)


def new_member(ctx: Context, clock: Clock) -> Member:
    clock.now = START
    n = next(_phones)
    assert n < 10000
    data = MemberIn(
        name=f"测试{n}",
        phone=f"1380013{n:04d}",
        id_number="11010519491231002X",
        fee_paid="5.00",
    )
    member_id = members.enroll(ctx, PROGRAM, data)["member_id"]
    with ctx.uow(write=False) as uow:
        stored = uow.programs.get(PROGRAM)
        assert stored is not None
        return Member(ctx, clock, stored.program_id, member_id)


def snapshot(m: Member) -> dict[str, Any]:
    """Everything the ledger holds for a member, in creation order."""
    with m.ctx.uow(write=False) as uow:
        c = uow.conn
        row = uow.members.get(m.program_id, m.member_id)
        assert row is not None
        entries = c.execute(
            select(
                ledger_entries.c.entry_id,
                ledger_entries.c.kind,
                ledger_entries.c.points,
                ledger_entries.c.occurred_at,
            )
            .where(
                ledger_entries.c.program_id == m.program_id,
                ledger_entries.c.member_id == m.member_id,
            )
            .order_by(ledger_entries.c.entry_id)
        ).all()
        lot_rows = c.execute(
            select(
                lots.c.lot_id,
                lots.c.entry_id,
                lots.c.points,
                lots.c.remaining,
                lots.c.earned_at,
                lots.c.expires_at,
                lots.c.expired_points,
                lots.c.swept_at,
            )
            .where(lots.c.program_id == m.program_id, lots.c.member_id == m.member_id)
            .order_by(lots.c.lot_id)
        ).all()
        alloc_rows = c.execute(
            select(allocations.c.entry_id, allocations.c.lot_id, allocations.c.points)
            .where(
                allocations.c.program_id == m.program_id,
                allocations.c.member_id == m.member_id,
            )
            .order_by(allocations.c.allocation_id)
        ).all()
        balance = ledger.balance_as_of(uow, m.program_id, m.member_id, m.clock.now)
    return {
        "points": int(row.points),
        "debt": int(row.debt),
        "entries": entries,
        "lots": lot_rows,
        "allocations": alloc_rows,
        "balance": balance,
    }


def counts(m: Member) -> tuple[int, int, int]:
    with m.ctx.uow(write=False) as uow:
        return tuple(  # type: ignore[return-value]
            int(uow.conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (ledger_entries, lots, allocations)
        )


def check_invariants(m: Member, model: Model | None) -> dict[str, Any]:
    s = snapshot(m)
    entry_sum = sum(int(e.points) for e in s["entries"])
    lot_sum = sum(int(lt.remaining) for lt in s["lots"])
    # balance == sum of entries == sum of lot remainders - debt
    assert s["points"] == entry_sum
    assert entry_sum == lot_sum - s["debt"]
    assert s["debt"] >= 0
    for lt in s["lots"]:
        assert 0 <= lt.remaining <= lt.points
    # every negative entry drew exactly its points from lots, except a clawback's debt part;
    # an expiry is recorded on the lots it swept (no allocations), found by its moment
    drawn: dict[int, int] = {}
    for a in s["allocations"]:
        assert a.points > 0
        drawn[a.entry_id] = drawn.get(a.entry_id, 0) + int(a.points)
    swept: dict[Any, int] = {}
    for lt in s["lots"]:
        assert (lt.swept_at is None) == (lt.expired_points is None)
        if lt.swept_at is not None:
            assert lt.expired_points > 0 and lt.remaining == 0
            assert lt.expires_at is not None and lt.expires_at <= lt.swept_at
            swept[lt.swept_at] = swept.get(lt.swept_at, 0) + int(lt.expired_points)
    expired: dict[Any, int] = {}
    for e in s["entries"]:
        if e.kind == EntryKind.EXPIRE:
            assert e.entry_id not in drawn
            expired[e.occurred_at] = expired.get(e.occurred_at, 0) - int(e.points)
    assert swept == expired
    for e in s["entries"]:
        if e.points < 0 and e.kind not in (EntryKind.CLAWBACK, EntryKind.EXPIRE):
            assert drawn.get(e.entry_id, 0) == -e.points
        if e.kind == EntryKind.CLAWBACK:
            assert 0 <= drawn.get(e.entry_id, 0) <= -e.points
    if model is not None:
        assert s["points"] == model.points
        assert s["debt"] == model.debt
        by_entry = {lt.entry_id: lt for lt in s["lots"]}
        assert len(by_entry) == len(model.lots)
        for ml in model.lots:
            assert by_entry[ml.entry_id].remaining == ml.remaining, ml
        points, expiring = model.balance_as_of(m.clock.now)
        assert s["balance"].points == points
        assert s["balance"].expiring == expiring
    return s


def run_step(m: Member, model: Model, step: Step, earnings: list[MLot]) -> None:
    ctx = m.ctx
    m.clock.now += timedelta(hours=step.advance_hours)
    now = m.clock.now

    if isinstance(step, Earn):
        expires = (
            None if step.expires_in_days is None else now + timedelta(days=step.expires_in_days)
        )
        with ctx.uow() as uow:
            uow.members.get(m.program_id, m.member_id, lock=True)
            entry_id = ledger.credit(uow, m.posting(), step.points, expires)
            uow.commit()
        if model.debt:
            event("earning settles debt")
        model.earn(entry_id, step.points, now, expires)
        earnings.append(model.lots[-1])

    elif isinstance(step, Spend):
        can = model.available(now)
        if step.points > can:
            event("spend refused")
            before = counts(m), snapshot(m)
            with ctx.uow() as uow:
                uow.members.get(m.program_id, m.member_id, lock=True)
                with pytest.raises(Invalid) as exc:
                    ledger.debit(uow, m.posting(), step.points, EntryKind.REDEEM)
                # the unit of work is left uncommitted: it rolls back on exit
            assert exc.value.code == "insufficient_points"
            assert exc.value.extra == {"wanted": step.points, "available": can}
            assert (counts(m), snapshot(m)) == before
        else:
            with ctx.uow() as uow:
                uow.members.get(m.program_id, m.member_id, lock=True)
                entry_id = ledger.debit(uow, m.posting(), step.points, EntryKind.REDEEM)
                uow.commit()
            model.spend(step.points, now)
            # spending drew only from lots usable now, and exactly what was asked
            with ctx.uow(write=False) as uow:
                rows = uow.conn.execute(
                    select(lots.c.expires_at, allocations.c.points)
                    .join(lots, lots.c.lot_id == allocations.c.lot_id)
                    .where(allocations.c.entry_id == entry_id)
                ).all()
            assert sum(r.points for r in rows) == step.points
            assert all(r.expires_at is None or r.expires_at > now for r in rows)

    elif isinstance(step, Clawback):
        source = earnings[step.pick % len(earnings)] if earnings else None
        points = step.points % (source.points if source else 150) + 1
        with ctx.uow() as uow:
            uow.members.get(m.program_id, m.member_id, lock=True)
            entry_id = ledger.clawback(
                uow, m.posting(), points, source.entry_id if source else None
            )
            uow.commit()
        if source is not None and source.remaining and not source.usable(now):
            event("clawback of an expired, unswept lot")
        debt = model.debt
        model.clawback(entry_id, points, source, now)
        if model.debt > debt:
            event("clawback leaves debt")

    else:
        with ctx.uow() as uow:
            _, total = expire_members(uow, m.program_id, [m.member_id], now, now)
            uow.commit()
        assert total == model.expire(now)
        if total:
            event("expire job sweeps points")


def run_sequence(ctx: Context, clock: Clock, steps: list[Step]) -> tuple[Member, Model]:
    m = new_member(ctx, clock)
    model = Model()
    earnings: list[MLot] = []
    check_invariants(m, model)
    for step in steps:
        run_step(m, model, step, earnings)
        check_invariants(m, model)
    return m, model


# -- the tests


@PROPERTY_SETTINGS
@given(steps=sequences)
def test_random_sequences_keep_the_ledger_consistent(
    ctx: Context, clock: Clock, steps: list[Step]
) -> None:
    if not _program_loaded(ctx):
        load_preset_into(ctx, PROGRAM)
    m, model = run_sequence(ctx, clock, steps)
    # Sweeping expiry at the end changes what is held, not what is available now.
    before = model.balance_as_of(clock.now)
    run_step(m, model, Expire(0), [])
    assert check_invariants(m, model)["points"] == before[0]
    report = verify(ctx, PROGRAM)
    assert report.ok, report.problems


def _program_loaded(ctx: Context) -> bool:
    with ctx.uow(write=False) as uow:
        return uow.programs.get(PROGRAM) is not None


def normalized(s: dict[str, Any]) -> dict[str, Any]:
    """A snapshot with database ids replaced by creation order, to compare two databases."""
    entry_ix = {e.entry_id: i for i, e in enumerate(s["entries"])}
    lot_ix = {lt.lot_id: i for i, lt in enumerate(s["lots"])}
    return {
        "points": s["points"],
        "debt": s["debt"],
        "entries": [(e.kind, int(e.points), e.occurred_at) for e in s["entries"]],
        "lots": [
            (
                entry_ix[lt.entry_id],
                int(lt.points),
                int(lt.remaining),
                lt.earned_at,
                lt.expires_at,
            )
            for lt in s["lots"]
        ],
        # Which lots each entry drew, as a set: the order of rows within one entry means
        # nothing, and a database may insert a set-based draw in any order.
        "allocations": sorted(
            (entry_ix[a.entry_id], lot_ix[a.lot_id], int(a.points)) for a in s["allocations"]
        ),
        "balance": s["balance"],
    }


@pytest.fixture
def both_databases(sqlite_template: Path, tmp_path: Path) -> Iterator[list[tuple[Context, Clock]]]:
    """A SQLite and a PostgreSQL database, each with the preset loaded."""
    require_pg()
    path = tmp_path / "compare.db"
    shutil.copy(sqlite_template, path)
    sqlite = make_engine(f"sqlite:///{path}")
    pg, schema = PG_SCHEMAS.take()
    sealer = Sealer(base64.b64decode(TEST_KEY))
    out = []
    engines: list[Engine] = [sqlite, pg]
    try:
        for eng in engines:
            clock = Clock()
            ctx = Context(engine=eng, sealer=sealer, clock=clock)
            load_preset_into(ctx, PROGRAM)
            out.append((ctx, clock))
        yield out
    finally:
        for eng in engines:
            eng.dispose()
        PG_SCHEMAS.give_back(schema)


@PROPERTY_SETTINGS
@given(steps=sequences)
def test_same_sequence_same_result_on_sqlite_and_postgresql(
    both_databases: list[tuple[Context, Clock]], steps: list[Step]
) -> None:
    # Each run is also checked step by step against the model inside run_sequence.
    lite, pg = (
        normalized(snapshot(run_sequence(ctx, clock, steps)[0])) for ctx, clock in both_databases
    )
    # Same entries, lots (points, remainders, dates), allocations, balance and debt.
    assert lite == pg
