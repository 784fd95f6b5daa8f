"""Hand-worked ledger cases on SQLite and PostgreSQL: debt from clawbacks, expiry (job run or
not), the expire job's idempotence, and soonest-expiry-first allocation as stored."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from huiyuan.domain.ledger import EntryKind
from huiyuan.errors import Invalid
from huiyuan.jobs.expire_points import expire_members
from huiyuan.services import ledger, members
from huiyuan.services.context import Context
from huiyuan.services.inputs import MemberIn
from huiyuan.services.verify import verify
from huiyuan.store.schema import allocations, ledger_entries, lots
from tests.conftest import Clock, load_preset_into

PROGRAM = "supermarket"
T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
_phones = itertools.count(1)


class Book:
    """One member's ledger, posted directly through services.ledger at the clock's time."""

    def __init__(self, ctx: Context, clock: Clock):
        self.ctx = ctx
        self.clock = clock
        n = next(_phones)
        data = MemberIn(
            name=f"账户{n}",
            phone=f"1390013{n:04d}",
            id_number="11010519491231002X",
            fee_paid="5.00",
        )
        self.member_id = members.enroll(ctx, PROGRAM, data)["member_id"]
        with ctx.uow(write=False) as uow:
            stored = uow.programs.get(PROGRAM)
            assert stored is not None
            self.program_id = stored.program_id

    def at(self, moment: datetime) -> Book:
        self.clock.now = moment
        return self

    def _posting(self) -> ledger.Posting:
        return ledger.Posting(self.program_id, self.member_id, self.clock.now, self.clock.now)

    def earn(self, points: int, expires_at: datetime | None = None) -> int:
        with self.ctx.uow() as uow:
            uow.members.get(self.program_id, self.member_id, lock=True)
            entry_id = ledger.credit(uow, self._posting(), points, expires_at)
            uow.commit()
        return entry_id

    def spend(self, points: int) -> int:
        with self.ctx.uow() as uow:
            uow.members.get(self.program_id, self.member_id, lock=True)
            entry_id = ledger.debit(uow, self._posting(), points, EntryKind.REDEEM)
            uow.commit()
        return entry_id

    def clawback(self, points: int, source_entry_id: int | None) -> int:
        with self.ctx.uow() as uow:
            uow.members.get(self.program_id, self.member_id, lock=True)
            entry_id = ledger.clawback(uow, self._posting(), points, source_entry_id)
            uow.commit()
        return entry_id

    def expire(self) -> int:
        """The expire job's sweep of this member at the clock's time: the points expired."""
        now = self.clock.now
        with self.ctx.uow() as uow:
            _, total = expire_members(uow, self.program_id, [self.member_id], now, now)
            uow.commit()
        return total

    # -- reading back

    def points_and_debt(self) -> tuple[int, int]:
        with self.ctx.uow(write=False) as uow:
            row = uow.members.get(self.program_id, self.member_id)
            assert row is not None
            return int(row.points), int(row.debt)

    def balance(self, as_of: datetime | None = None) -> ledger.BalanceAsOf:
        with self.ctx.uow(write=False) as uow:
            return ledger.balance_as_of(
                uow, self.program_id, self.member_id, as_of or self.clock.now
            )

    def remaining(self, earn_entry_id: int) -> int:
        with self.ctx.uow(write=False) as uow:
            lot = uow.ledger.lot_of_entry(earn_entry_id)
            assert lot is not None
            return lot.remaining

    def lot_id(self, earn_entry_id: int) -> int:
        with self.ctx.uow(write=False) as uow:
            lot = uow.ledger.lot_of_entry(earn_entry_id)
            assert lot is not None
            return lot.lot_id

    def drawn_by(self, entry_id: int) -> list[tuple[int, int]]:
        """[(lot_id, points)] in the order the allocations were written."""
        with self.ctx.uow(write=False) as uow:
            rows = uow.conn.execute(
                select(allocations.c.lot_id, allocations.c.points)
                .where(allocations.c.entry_id == entry_id)
                .order_by(allocations.c.allocation_id)
            ).all()
        return [(int(r[0]), int(r[1])) for r in rows]

    def row_counts(self) -> tuple[int, int, int]:
        with self.ctx.uow(write=False) as uow:
            return tuple(  # type: ignore[return-value]
                len(
                    uow.conn.execute(
                        select(t.c.member_id).where(t.c.member_id == self.member_id)
                    ).all()
                )
                for t in (ledger_entries, lots, allocations)
            )


@pytest.fixture
def book(ctx: Context, clock: Clock) -> Book:
    load_preset_into(ctx, PROGRAM)
    return Book(ctx, clock)


def assert_reconciles(ctx: Context) -> None:
    report = verify(ctx, PROGRAM)
    assert report.ok, report.problems


def test_clawback_of_spent_points_leaves_debt_settled_by_later_earnings(
    book: Book, ctx: Context
) -> None:
    t0, t1, t2, t3, t4 = (T + timedelta(hours=h) for h in range(5))
    a = book.at(t0).earn(100)  # lot A: 100
    book.at(t1).spend(80)  # A: 100 - 80 = 20
    assert book.points_and_debt() == (20, 0)

    claw = book.at(t2).clawback(100, a)
    # The clawback takes A's last 20; the other 100 - 20 = 80 were spent: a debt of 80.
    # Balance: 100 - 80 - 100 = -80.
    assert book.remaining(a) == 0
    assert book.drawn_by(claw) == [(book.lot_id(a), 20)]
    assert book.points_and_debt() == (-80, 80)
    assert book.balance().points == -80

    b = book.at(t3).earn(50)
    # All 50 of lot B settle debt (80 -> 30): balance -80 + 50 = -30, B keeps nothing.
    assert book.points_and_debt() == (-30, 30)
    assert book.remaining(b) == 0
    assert book.balance().points == -30

    c = book.at(t4).earn(40)
    # 30 of lot C settle the rest of the debt; C keeps 40 - 30 = 10 = the balance.
    assert book.points_and_debt() == (10, 0)
    assert book.remaining(c) == 10
    assert book.balance().points == 10
    # The clawback drew 20 from A, then was settled by 50 from B and 30 from C: 100 in all.
    assert book.drawn_by(claw) == [
        (book.lot_id(a), 20),
        (book.lot_id(b), 50),
        (book.lot_id(c), 30),
    ]

    # Looking back: each moment sees only what had happened by then.
    assert book.balance(t1).points == 20  # 100 - 80
    assert book.balance(t2).points == -80
    assert book.balance(t3).points == -30
    # Spending is still refused while the balance is short: 10 available, 11 wanted.
    with pytest.raises(Invalid) as exc:
        book.spend(11)
    assert exc.value.code == "insufficient_points"
    assert exc.value.extra == {"wanted": 11, "available": 10}
    assert_reconciles(ctx)


def test_clawback_takes_its_own_lot_first_then_soonest_expiry(book: Book, ctx: Context) -> None:
    a = book.at(T).earn(100, T + timedelta(days=30))  # lot A, expires later
    b = book.earn(50, T + timedelta(days=5))  # lot B, expires sooner
    book.at(T + timedelta(hours=1))
    book.clawback(60, a)
    # From A itself although B expires sooner: A 100 - 60 = 40, B untouched at 50.
    assert (book.remaining(a), book.remaining(b)) == (40, 50)
    book.spend(30)  # soonest expiry first: B 50 - 30 = 20
    assert (book.remaining(a), book.remaining(b)) == (40, 20)
    claw = book.clawback(50, b)
    # B's 20 first, then 50 - 20 = 30 from the other usable lot A: A 40 - 30 = 10. No debt.
    assert book.drawn_by(claw) == [(book.lot_id(b), 20), (book.lot_id(a), 30)]
    assert (book.remaining(a), book.remaining(b)) == (10, 0)
    # 150 earned - 60 - 30 - 50 = 10, all in A.
    assert book.points_and_debt() == (10, 0)
    assert_reconciles(ctx)


def test_balance_as_of_with_expiry_is_the_same_before_and_after_the_job(
    book: Book, ctx: Context
) -> None:
    expiry = T + timedelta(days=10)
    a = book.at(T).earn(100, expiry)  # lot A expires at T+10d
    b = book.earn(50)  # lot B never expires
    book.at(T + timedelta(days=1)).spend(30)  # from A (expires first): A 70, B 50
    assert (book.remaining(a), book.remaining(b)) == (70, 50)

    mid = T + timedelta(days=5)
    late = T + timedelta(days=11)
    # Before the job runs, at T+11d: A's 70 have expired, only B's 50 remain usable.
    book.at(late)
    before = {when: book.balance(when) for when in (mid, expiry, late)}
    assert before[mid].points == 120  # 100 + 50 - 30, A still alive at T+5d
    assert before[mid].expiring == [(expiry, 70)]
    assert before[expiry].points == 50  # expiry is exclusive: at exactly T+10d A is gone
    assert before[late].points == 50
    assert before[late].expiring == []  # B never expires
    # The projection still counts the unswept 70 until the job writes its entry.
    assert book.points_and_debt() == (120, 0)
    # Nor can the expired points be spent: only B's 50.
    with pytest.raises(Invalid) as exc:
        book.spend(51)
    assert exc.value.extra == {"wanted": 51, "available": 50}

    assert book.expire() == 70  # the job sweeps A's 70
    assert book.remaining(a) == 0
    assert book.points_and_debt() == (50, 0)  # 120 - 70
    after = {when: book.balance(when) for when in (mid, expiry, late)}
    assert after == before
    assert_reconciles(ctx)


def test_the_expire_job_twice_does_nothing_the_second_time(book: Book, ctx: Context) -> None:
    a = book.at(T).earn(40, T + timedelta(days=3))
    b = book.earn(25, T + timedelta(days=4))
    book.earn(10)  # never expires
    # Just before A's expiry nothing is due.
    book.at(T + timedelta(days=3) - timedelta(seconds=1))
    assert book.expire() == 0
    # At T+4d both A (40) and B (25) are due: 65 swept in one entry.
    book.at(T + timedelta(days=4))
    assert book.expire() == 65
    assert (book.remaining(a), book.remaining(b)) == (0, 0)
    assert book.points_and_debt() == (10, 0)  # 40 + 25 + 10 - 65
    counts = book.row_counts()
    # Again, at the same moment and a day later: nothing left to sweep, nothing written.
    assert book.expire() == 0
    book.at(T + timedelta(days=5))
    assert book.expire() == 0
    assert book.row_counts() == counts
    assert book.points_and_debt() == (10, 0)
    with ctx.uow(write=False) as uow:
        kinds = [
            r[0]
            for r in uow.conn.execute(
                select(ledger_entries.c.kind)
                .where(ledger_entries.c.member_id == book.member_id)
                .order_by(ledger_entries.c.entry_id)
            )
        ]
    assert kinds == ["earn", "earn", "earn", "expire"]
    assert_reconciles(ctx)


def test_clawback_after_expiry_does_not_depend_on_when_the_job_ran(
    ctx: Context, clock: Clock
) -> None:
    """Two members, the same history; the expire job runs before the clawback for one only."""
    load_preset_into(ctx, PROGRAM)
    swept, unswept = Book(ctx, clock), Book(ctx, clock)
    results = []
    for book, run_job in ((swept, True), (unswept, False)):
        a = book.at(T).earn(100, T + timedelta(days=10))
        book.at(T + timedelta(days=11))
        if run_job:
            assert book.expire() == 100
        book.clawback(100, a)
        results.append((book.balance().points, book.points_and_debt()[1]))
    # The 100 points expired at T+10d, before the clawback at T+11d, so they cannot pay it:
    # the whole 100 is debt and the balance is 0 - 100 = -100 either way.
    assert results == [(-100, 100), (-100, 100)]
    # The projection of the unswept member still holds the expired 100 (100 - 100 = 0) until
    # the job runs; then both agree: 100 - 100 - 100 = -100.
    assert unswept.points_and_debt() == (0, 100)
    assert unswept.expire() == 100
    assert swept.points_and_debt() == unswept.points_and_debt() == (-100, 100)
    assert_reconciles(ctx)


def test_debits_allocate_soonest_expiry_first(book: Book, ctx: Context) -> None:
    a = book.at(T).earn(100, T + timedelta(days=30))
    b = book.at(T + timedelta(hours=1)).earn(50, T + timedelta(days=10))
    c = book.at(T + timedelta(hours=2)).earn(40)  # never expires
    d = book.at(T + timedelta(hours=3)).earn(20, T + timedelta(days=10))  # same expiry as B
    e = book.at(T + timedelta(hours=4)).earn(60, T + timedelta(hours=20))  # expires first...
    book.at(T + timedelta(days=1))  # ...and has expired (unswept) by the time of the spend

    spend = book.spend(180)
    # Usable: A 100 (T+30d), B 50 (T+10d), C 40 (never), D 20 (T+10d); E expired at T+20h.
    # Order: B (T+10d, earned T+1h), D (T+10d, earned T+3h), A (T+30d), C (never):
    # 50 + 20 + 100 = 170, so C gives the last 180 - 170 = 10.
    assert book.drawn_by(spend) == [
        (book.lot_id(b), 50),
        (book.lot_id(d), 20),
        (book.lot_id(a), 100),
        (book.lot_id(c), 10),
    ]
    assert [book.remaining(x) for x in (a, b, c, d, e)] == [0, 0, 30, 0, 60]
    # Projection: 270 earned - 180 = 90 (E's 60 not yet swept); usable balance: C's 30.
    assert book.points_and_debt() == (90, 0)
    assert book.balance().points == 30
    with pytest.raises(Invalid) as exc:
        book.spend(31)
    assert exc.value.code == "insufficient_points"
    assert exc.value.extra == {"wanted": 31, "available": 30}
    assert book.points_and_debt() == (90, 0)  # the refused spend changed nothing
    assert_reconciles(ctx)
