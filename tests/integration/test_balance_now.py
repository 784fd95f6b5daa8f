"""The balance as of now (or any moment after the member's latest entry) comes from the
projections (each lot's `remaining`, the member's `debt`) in one read; a moment before some
entry still sums the allocations up to it. Hand-worked cases on SQLite and PostgreSQL, each
checking which way the answer was worked out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from huiyuan.services import accounts
from huiyuan.services.context import Context
from huiyuan.store.repos.ledger import LedgerRepo
from tests.conftest import Clock, load_preset_into
from tests.integration.test_ledger_cases import PROGRAM, Book, T, assert_reconciles

H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.fixture
def book(ctx: Context, clock: Clock) -> Book:
    load_preset_into(ctx, PROGRAM)
    return Book(ctx, clock)


@pytest.fixture
def past_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """How many times the allocations were summed (the path for a moment before an entry)."""
    calls: list[Any] = []
    original = LedgerRepo.alive_by_expiry

    def counted(self: LedgerRepo, *args: Any) -> Any:
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(LedgerRepo, "alive_by_expiry", counted)
    yield calls


def test_now_groups_by_expiry_and_leaves_out_expired_unswept_lots(
    book: Book, ctx: Context, past_reads: list[Any]
) -> None:
    book.at(T).earn(100, T + 10 * D)  # A
    book.earn(50, T + 10 * D)  # B, the same expiry as A
    book.earn(40, T + 20 * D)  # C
    book.earn(30)  # N, never expires
    book.earn(20, T + D)  # E, expires first
    book.at(T + 2 * D).spend(70)  # E has expired: A and B (T+10d) give 70 of their 150

    # As of the spend itself (the latest entry, inclusive): T+10d 150 - 70 = 80, T+20d 40,
    # never 30; E's 20 expired at T+1d (not swept). 80 + 40 + 30 = 150.
    now = book.balance()
    assert (now.points, now.expiring) == (150, [(T + 10 * D, 80), (T + 20 * D, 40)])
    # The projection still holds E's 20 until the job sweeps them: 150 + 20.
    assert book.points_and_debt() == (170, 0)
    # At T+10d exactly A and B are gone (expiry is exclusive): 40 + 30 = 70.
    later = book.balance(T + 10 * D)
    assert (later.points, later.expiring) == (70, [(T + 20 * D, 40)])
    assert past_reads == []

    # Before the spend (and while E was alive): 100 + 50 + 40 + 30 + 20 = 240, from the
    # allocations.
    before = book.balance(T + H)
    assert before.points == 240
    assert before.expiring == [(T + D, 20), (T + 10 * D, 150), (T + 20 * D, 40)]
    assert len(past_reads) == 1

    # Through the service the till calls, with the program's time zone on the moments.
    answer = accounts.balance(ctx, PROGRAM, book.member_id, T + 2 * D)
    assert answer["points"] == 150
    assert [e["points"] for e in answer["expiring"]] == [80, 40]
    assert answer["expiring"][0]["expires_at"] == "2026-03-12T09:00:00+08:00"  # T+10d
    assert len(past_reads) == 1
    assert_reconciles(ctx)


def test_now_counts_the_debt_left_by_a_clawback(
    book: Book, ctx: Context, past_reads: list[Any]
) -> None:
    a = book.at(T).earn(100, T + 30 * D)
    book.at(T + H).spend(80)  # A 20
    book.at(T + 2 * H).clawback(100, a)  # A's 20, then a debt of 80
    assert (book.balance().points, book.balance().expiring) == (-80, [])
    book.at(T + 3 * H).earn(50, T + 30 * D)  # all 50 settle debt: 30 left, the lot keeps 0
    assert (book.balance().points, book.balance().expiring) == (-30, [])
    book.at(T + 4 * H).earn(40, T + 40 * D)  # 30 settle the rest; the lot keeps 10
    now = book.balance()
    assert (now.points, now.expiring) == (10, [(T + 40 * D, 10)])
    assert past_reads == []
    # Looking back to before the last earning: -30 again, from the entries.
    assert book.balance(T + 3 * H).points == -30
    assert len(past_reads) == 1
    assert_reconciles(ctx)


def test_an_entry_after_the_moment_asked_about_sends_it_to_the_allocations(
    book: Book, ctx: Context, past_reads: list[Any]
) -> None:
    book.at(T).earn(100, T + 2 * D)  # A
    book.earn(30)  # N, never expires
    book.at(T + 3 * D)
    assert book.expire() == 100  # the job at T+3d sweeps A: its entry is the latest

    # Before the sweep's moment the projections (A emptied) are not the state then.
    at_one_day = book.balance(T + D)
    assert (at_one_day.points, at_one_day.expiring) == (130, [(T + 2 * D, 100)])
    assert book.balance(T + 2 * D + H).points == 30  # A expired, not yet swept
    assert len(past_reads) == 2
    # From the sweep's moment on, the projections: N's 30.
    assert (book.balance(T + 3 * D).points, book.balance(T + 3 * D).expiring) == (30, [])
    assert len(past_reads) == 2

    # A clock behind the ledger (an entry dated later than "now"): still only what had
    # happened by then.
    book.at(T + 5 * D).earn(50, T + 40 * D)
    book.at(T + 4 * D)
    assert book.balance().points == 30
    assert len(past_reads) == 3
    assert book.at(T + 5 * D).balance().points == 80
    assert len(past_reads) == 3
    assert_reconciles(ctx)


def test_a_member_without_lots(ctx: Context, clock: Clock, past_reads: list[Any]) -> None:
    load_preset_into(ctx, PROGRAM)
    empty, owing = Book(ctx, clock), Book(ctx, clock)
    assert (empty.at(T).balance().points, empty.balance().expiring) == (0, [])
    owing.at(T).clawback(50, None)  # nothing to take from: all 50 are debt
    assert (owing.balance().points, owing.balance().expiring) == (-50, [])
    assert past_reads == []
    assert_reconciles(ctx)
