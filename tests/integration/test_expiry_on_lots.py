"""Expiry recorded on the lots it swept (no allocation row per lot), on SQLite and PostgreSQL:
the job's sweep over a run of members and over one member alone write the same rows, balances
and lots as of any moment count it, `huiyuan verify` catches a tampered lot or entry, and expiries
written the old way (an allocation per lot) still reconcile."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import and_, case, func, select, update

from huiyuan.domain.ledger import EntryKind
from huiyuan.jobs import run_job
from huiyuan.jobs.expire_points import expire_members
from huiyuan.services import ledger, members
from huiyuan.services.context import Context
from huiyuan.services.inputs import MemberIn
from huiyuan.services.verify import verify
from huiyuan.store.schema import allocations, ledger_entries, lots
from huiyuan.store.schema import members as members_t
from tests.conftest import Clock, load_preset_into

PROGRAM = "supermarket"
EARNED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CLEARS = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 00:00 in Shanghai
NEXT = CLEARS + timedelta(days=365)
BEFORE = CLEARS - timedelta(seconds=1)
_phones = itertools.count(1)


class Member:
    def __init__(self, ctx: Context, clock: Clock):
        self.ctx, self.clock = ctx, clock
        data = MemberIn(
            name="会员",
            phone=f"1370013{next(_phones):04d}",
            id_number="11010519491231002X",
            fee_paid="5.00",
        )
        self.member_id = members.enroll(ctx, PROGRAM, data)["member_id"]
        with ctx.uow(write=False) as uow:
            stored = uow.programs.get(PROGRAM)
            assert stored is not None
            self.program_id = stored.program_id

    def posting(self, at: datetime) -> ledger.Posting:
        self.clock.now = at
        return ledger.Posting(self.program_id, self.member_id, at, at)

    def earn(self, points: int, expires_at: datetime, at: datetime = EARNED) -> int:
        with self.ctx.uow() as uow:
            uow.members.get(self.program_id, self.member_id, lock=True)
            entry_id = ledger.credit(uow, self.posting(at), points, expires_at)
            uow.commit()
        return entry_id

    def spend(self, points: int, at: datetime) -> int:
        with self.ctx.uow() as uow:
            uow.members.get(self.program_id, self.member_id, lock=True)
            entry_id = ledger.debit(uow, self.posting(at), points, EntryKind.REDEEM)
            uow.commit()
        return entry_id

    def expire(self, at: datetime) -> int:
        """The expire job's sweep of this member alone at `at`: the points expired."""
        self.clock.now = at
        with self.ctx.uow() as uow:
            _, total = expire_members(uow, self.program_id, [self.member_id], at, at)
            uow.commit()
        return total

    def lots(self) -> list[tuple[int, int, int | None, datetime | None]]:
        """[(points, remaining, expired_points, swept_at)] in lot order."""
        with self.ctx.uow(write=False) as uow:
            rows = uow.conn.execute(
                select(lots.c.points, lots.c.remaining, lots.c.expired_points, lots.c.swept_at)
                .where(lots.c.member_id == self.member_id)
                .order_by(lots.c.lot_id)
            ).all()
        return [(int(r[0]), int(r[1]), r[2], r[3]) for r in rows]

    def lot_ids(self) -> list[int]:
        with self.ctx.uow(write=False) as uow:
            return list(
                uow.conn.execute(
                    select(lots.c.lot_id)
                    .where(lots.c.member_id == self.member_id)
                    .order_by(lots.c.lot_id)
                ).scalars()
            )

    def expiries(self) -> list[tuple[int, int, datetime]]:
        """[(entry_id, points, occurred_at)] of the member's `expire` entries."""
        with self.ctx.uow(write=False) as uow:
            rows = uow.conn.execute(
                select(
                    ledger_entries.c.entry_id,
                    ledger_entries.c.points,
                    ledger_entries.c.occurred_at,
                )
                .where(
                    ledger_entries.c.member_id == self.member_id,
                    ledger_entries.c.kind == "expire",
                )
                .order_by(ledger_entries.c.entry_id)
            ).all()
        return [(int(r[0]), int(r[1]), r[2]) for r in rows]

    def points(self) -> int:
        with self.ctx.uow(write=False) as uow:
            return int(
                uow.conn.execute(
                    select(members_t.c.points).where(members_t.c.member_id == self.member_id)
                ).scalar_one()
            )

    def balance(self, at: datetime) -> int:
        with self.ctx.uow(write=False) as uow:
            return ledger.balance_as_of(uow, self.program_id, self.member_id, at).points

    def remaining_as_of(self, at: datetime) -> list[int]:
        """What each lot earned by `at` held then, in lot order: its points less what
        allocations up to then drew and what a sweep up to then took."""
        drawn = func.coalesce(func.sum(allocations.c.points), 0)
        # A lot swept by `at` lost its expired points then (one value per lot: the max).
        swept = func.max(
            case((lots.c.swept_at <= at, func.coalesce(lots.c.expired_points, 0)), else_=0)
        )
        with self.ctx.uow(write=False) as uow:
            rows = uow.conn.execute(
                select(lots.c.points, drawn + swept)
                .select_from(
                    lots.outerjoin(
                        allocations,
                        and_(
                            allocations.c.lot_id == lots.c.lot_id, allocations.c.occurred_at <= at
                        ),
                    )
                )
                .where(lots.c.member_id == self.member_id, lots.c.earned_at <= at)
                .group_by(lots.c.lot_id, lots.c.points)
                .order_by(lots.c.lot_id)
            ).all()
        return [int(points) - int(taken) for points, taken in rows]


def history_a(m: Member) -> None:
    """100 and 50 clearing on 2027-01-01, 20 spent (from the 100: same expiry, older), 40
    clearing a year later: 80 + 50 = 130 expire, 40 stay."""
    m.earn(100, CLEARS)
    m.earn(50, CLEARS, EARNED + timedelta(hours=1))
    m.spend(20, EARNED + timedelta(days=1))
    m.earn(40, NEXT, EARNED + timedelta(days=2))


def count(ctx: Context, table: Any) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def three(ctx: Context, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> list[Member]:
    """A (history_a), B (60 clearing next year: nothing expires), C (70 clearing), swept by
    the job in chunks of two members."""
    load_preset_into(ctx, PROGRAM)
    a, b, c = Member(ctx, clock), Member(ctx, clock), Member(ctx, clock)
    history_a(a)
    b.earn(60, NEXT)
    c.earn(70, CLEARS)
    monkeypatch.setenv("HUIYUAN_JOB_CHUNK", "2")
    return [a, b, c]


def sweep(ctx: Context) -> dict[str, Any]:
    return run_job(ctx, PROGRAM, "expire_points", CLEARS)


def test_the_job_records_the_expiry_on_the_lots(ctx: Context, three: list[Member]) -> None:
    a, b, c = three
    assert (a.balance(BEFORE), b.balance(BEFORE), c.balance(BEFORE)) == (170, 60, 70)
    allocations_before = count(ctx, allocations)
    assert allocations_before == 1  # A's spend drew one lot

    result = sweep(ctx)
    # Two members had points expiring (A and C): 130 + 70.
    assert (result["processed"], result["points_expired"], result["repeated"]) == (2, 200, False)
    assert a.lots() == [(100, 0, 80, CLEARS), (50, 0, 50, CLEARS), (40, 40, None, None)]
    assert b.lots() == [(60, 60, None, None)]
    assert c.lots() == [(70, 0, 70, CLEARS)]
    assert [(p, at) for _, p, at in a.expiries()] == [(-130, CLEARS)]
    assert b.expiries() == []
    assert [(p, at) for _, p, at in c.expiries()] == [(-70, CLEARS)]
    assert count(ctx, allocations) == allocations_before  # nothing per lot
    assert (a.points(), b.points(), c.points()) == (40, 60, 0)
    # Balances as of any moment are those before the sweep (it only makes the ledger say so).
    assert (a.balance(BEFORE), a.balance(CLEARS)) == (170, 40)
    assert (c.balance(BEFORE), c.balance(CLEARS)) == (70, 0)
    # The lots as of a moment before the sweep still hold what expired later.
    assert a.remaining_as_of(BEFORE) == [80, 50, 40]
    assert a.remaining_as_of(CLEARS) == [0, 0, 40]
    report = verify(ctx, PROGRAM)
    assert report.ok, report.problems

    rows = count(ctx, ledger_entries), count(ctx, lots)
    again = sweep(ctx)
    assert (again["processed"], again["points_expired"], again["repeated"]) == (2, 200, True)
    # The same moment run as a new job finds nothing left: nothing written.
    later = run_job(ctx, PROGRAM, "expire_points", CLEARS + timedelta(days=1))
    assert (later["processed"], later["points_expired"]) == (0, 0)
    assert (count(ctx, ledger_entries), count(ctx, lots)) == rows


def test_one_members_expiry_writes_what_the_job_writes(
    ctx: Context, clock: Clock, three: list[Member]
) -> None:
    a = three[0]
    d = Member(ctx, clock)
    history_a(d)
    assert d.expire(BEFORE) == 0
    assert d.expire(CLEARS) == 130
    sweep(ctx)  # D is swept already: the job leaves it alone
    assert (
        d.lots()
        == a.lots()
        == [
            (100, 0, 80, CLEARS),
            (50, 0, 50, CLEARS),
            (40, 40, None, None),
        ]
    )
    assert [(p, at) for _, p, at in d.expiries()] == [(-130, CLEARS)]
    assert d.points() == 40
    # The deadline of what an expiry took: the soonest of its lots.
    with ctx.uow(write=False) as uow:
        assert ledger.drawn_expiry(uow, d.expiries()[0][0]) == CLEARS
        assert ledger.drawn_expiry(uow, a.expiries()[0][0]) == CLEARS
    report = verify(ctx, PROGRAM)
    assert report.ok, report.problems


def tamper(ctx: Context, statement: Any) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(statement)


def test_verify_catches_a_tampered_lot_or_entry(ctx: Context, three: list[Member]) -> None:
    a = three[0]
    sweep(ctx)
    first, second, _ = a.lot_ids()
    (entry_id, _, _) = a.expiries()[0]
    cases: list[tuple[Any, Any, list[str]]] = [
        # The lot says it lost 85, not 80: it no longer adds up (100 - 20 - 85 = -5), nor does
        # the expiry (entry 130, lots 135).
        (
            update(lots).where(lots.c.lot_id == first).values(expired_points=85),
            update(lots).where(lots.c.lot_id == first).values(expired_points=80),
            [
                f"lot {first} of member {a.member_id}: remaining 0, expected -5",
                f"expiry of member {a.member_id} at ",
                "entries 130, taken from lots 135",
            ],
        ),
        # The entry says 125 expired: the lots say 130, the balance no longer sums.
        (
            update(ledger_entries).where(ledger_entries.c.entry_id == entry_id).values(points=-125),
            update(ledger_entries).where(ledger_entries.c.entry_id == entry_id).values(points=-130),
            ["entries 125, taken from lots 130", f"member {a.member_id}: balance 40"],
        ),
        # Swept a day earlier than the entry: before the lot's deadline, and the moment has no
        # entry while the entry's moment has lost a lot.
        (
            update(lots).where(lots.c.lot_id == second).values(swept_at=CLEARS - timedelta(days=1)),
            update(lots).where(lots.c.lot_id == second).values(swept_at=CLEARS),
            [
                f"lot {second} of member {a.member_id}",
                "entries 130, taken from lots 80",
                "entries 0, taken from lots 50",
            ],
        ),
        # The moment erased, the amount kept.
        (
            update(lots).where(lots.c.lot_id == second).values(swept_at=None),
            update(lots).where(lots.c.lot_id == second).values(swept_at=CLEARS),
            [f"lot {second} of member {a.member_id}", "entries 130, taken from lots 80"],
        ),
        # Points handed back to a swept lot.
        (
            update(lots).where(lots.c.lot_id == second).values(remaining=50),
            update(lots).where(lots.c.lot_id == second).values(remaining=0),
            [f"lot {second} of member {a.member_id}: remaining 50, expected 0"],
        ),
    ]
    for spoil, mend, expected in cases:
        tamper(ctx, spoil)
        problems = verify(ctx, PROGRAM).problems
        for text in expected:
            assert any(text in p for p in problems), (text, problems)
        tamper(ctx, mend)
        report = verify(ctx, PROGRAM)
        assert report.ok, report.problems


def test_expiries_recorded_as_allocations_still_reconcile(ctx: Context, clock: Clock) -> None:
    """An expiry written before lots recorded their own (an allocation per lot) counts as it
    did: in balances, lots as of a moment, the job (nothing left to sweep) and verify."""
    load_preset_into(ctx, PROGRAM)
    e = Member(ctx, clock)
    e.earn(90, CLEARS)
    e.earn(10, NEXT)
    (lot_id, _) = e.lot_ids()
    with ctx.uow() as uow:  # an expiry as written before migration 0003
        uow.members.get(e.program_id, e.member_id, lock=True)
        p = e.posting(CLEARS)
        entry_id = uow.ledger.add_entry(
            {
                "program_id": e.program_id,
                "member_id": e.member_id,
                "kind": "expire",
                "points": -90,
                "occurred_at": CLEARS,
                "recorded_at": CLEARS,
                "ref": None,
                "reason": None,
                "correlation_id": None,
            }
        )
        uow.ledger.add_allocations(
            [
                {
                    "program_id": e.program_id,
                    "member_id": e.member_id,
                    "entry_id": entry_id,
                    "lot_id": lot_id,
                    "points": 90,
                    "occurred_at": p.occurred_at,
                }
            ]
        )
        uow.ledger.draw(lot_id, 90)
        uow.ledger.move_member(e.program_id, e.member_id, -90, 0, 0, entry_id)
        uow.commit()
    assert e.lots() == [(90, 0, None, None), (10, 10, None, None)]
    assert (e.balance(BEFORE), e.balance(CLEARS)) == (100, 10)
    assert e.remaining_as_of(BEFORE) == [90, 10]
    assert e.remaining_as_of(CLEARS) == [0, 10]
    with ctx.uow(write=False) as uow:
        assert ledger.drawn_expiry(uow, entry_id) == CLEARS
    report = verify(ctx, PROGRAM)
    assert report.ok, report.problems
    assert (sweep(ctx)["processed"], e.points()) == (0, 10)

    tamper(ctx, update(allocations).where(allocations.c.entry_id == entry_id).values(points=91))
    problems = verify(ctx, PROGRAM).problems
    assert any("entries 90, taken from lots 91" in p for p in problems), problems
    assert any(
        f"lot {lot_id} of member {e.member_id}: remaining 0, expected -1" in p for p in problems
    )
