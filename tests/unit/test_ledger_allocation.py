"""Pure tests of the points ledger's allocation rule (huiyuan.domain.ledger.allocate).

Spending draws from usable lots, soonest expiry first, lots that never expire last; expired
and empty lots are skipped; `earned_before` limits the draw to earlier lots; asking for more
than is available raises InsufficientPoints with the exact numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huiyuan.domain.ledger import (
    InsufficientPoints,
    LotView,
    allocate,
    allocation_order,
    available,
    settle_debt,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def lot(lot_id: int, remaining: int, earned: float, expires: float | None) -> LotView:
    return LotView(lot_id, remaining, day(earned), None if expires is None else day(expires))


# -- hand-worked examples


def test_soonest_expiry_first_whatever_the_earning_order() -> None:
    lots = [
        lot(1, 50, earned=0, expires=30),  # earned first, expires last of the three
        lot(2, 40, earned=1, expires=10),  # expires first
        lot(3, 30, earned=2, expires=20),
    ]
    # 60 points at day 5: lot 2 (expires day 10) gives all its 40, then lot 3 (day 20) the
    # other 60 - 40 = 20; lot 1 (day 30) is not touched.
    assert allocate(lots, 60, day(5)) == [(2, 40), (3, 20)]


def test_never_expiring_lots_are_used_last() -> None:
    lots = [
        lot(1, 100, earned=0, expires=None),  # oldest, but never expires
        lot(2, 10, earned=3, expires=365),  # expires a year out: still before "never"
    ]
    # 30 points: lot 2's 10 first, then 30 - 10 = 20 from the never-expiring lot 1.
    assert allocate(lots, 30, day(4)) == [(2, 10), (1, 20)]


def test_never_expiring_lots_among_themselves_go_oldest_first() -> None:
    lots = [lot(7, 5, earned=3, expires=None), lot(8, 5, earned=1, expires=None)]
    # Both never expire: lot 8 (earned day 1) before lot 7 (earned day 3); 7 = 5 + 2.
    assert allocate(lots, 7, day(4)) == [(8, 5), (7, 2)]


def test_same_expiry_goes_oldest_first_then_by_id() -> None:
    lots = [
        lot(3, 5, earned=2, expires=10),
        lot(2, 5, earned=1, expires=10),
        lot(1, 5, earned=2, expires=10),
    ]
    # Same expiry: lot 2 (earned day 1) first; lots 1 and 3 earned the same day: id 1 first.
    # 12 = 5 (lot 2) + 5 (lot 1) + 2 (lot 3).
    assert allocate(lots, 12, day(3)) == [(2, 5), (1, 5), (3, 2)]


def test_expired_and_empty_lots_are_skipped() -> None:
    lots = [
        lot(1, 100, earned=0, expires=5),  # expired at day 6 (not yet swept by the job)
        lot(2, 0, earned=1, expires=7),  # empty
        lot(3, 20, earned=2, expires=6),  # expires exactly at the moment: no longer usable
        lot(4, 30, earned=3, expires=9),
    ]
    # At day 6 only lot 4 is usable: 25 comes from it alone.
    assert allocate(lots, 25, day(6)) == [(4, 25)]
    # Available is 30 (lot 4 alone), so 31 is refused with exactly those numbers.
    with pytest.raises(InsufficientPoints) as exc:
        allocate(lots, 31, day(6))
    assert (exc.value.wanted, exc.value.available) == (31, 30)
    # Just before lot 3's expiry it is still usable and expires sooner than lot 4:
    # 25 = 20 (lot 3) + 5 (lot 4); lot 1 expired at day 5 either way.
    assert allocate(lots, 25, day(5.5)) == [(3, 20), (4, 5)]


def test_earned_before_limits_the_draw() -> None:
    lots = [
        lot(1, 10, earned=1, expires=100),
        lot(2, 50, earned=5, expires=20),  # expires soonest, but earned after the receipt
        lot(3, 15, earned=2, expires=None),
    ]
    # Offsetting a receipt of day 3 may use only lots 1 and 3 (earned days 1 and 2):
    # 20 = 10 (lot 1, expires day 100) + 10 (lot 3, never expires).
    assert allocate(lots, 20, day(6), earned_before=day(3)) == [(1, 10), (3, 10)]
    # Those two hold 10 + 15 = 25; 26 is refused although 75 are usable in all.
    with pytest.raises(InsufficientPoints) as exc:
        allocate(lots, 26, day(6), earned_before=day(3))
    assert (exc.value.wanted, exc.value.available) == (26, 25)
    # earned_before is strict: lot 2, earned at exactly day 5, is excluded, leaving
    # lot 1 + lot 3 = 10 + 15 = 25 available.
    assert available(lots, day(6), earned_before=day(5)) == 25
    # Without the limit lot 2 goes first: 55 = 50 (lot 2, day 20) + 5 (lot 1, day 100).
    assert allocate(lots, 55, day(6)) == [(2, 50), (1, 5)]


def test_insufficient_points_reports_exact_numbers() -> None:
    lots = [lot(1, 30, earned=0, expires=10), lot(2, 12, earned=0, expires=None)]
    # 30 + 12 = 42 available; 43 wanted.
    with pytest.raises(InsufficientPoints) as exc:
        allocate(lots, 43, day(1))
    assert exc.value.wanted == 43
    assert exc.value.available == 42
    assert "43" in str(exc.value) and "42" in str(exc.value)
    # Exactly everything is fine: both lots emptied, soonest expiry first.
    assert allocate(lots, 42, day(1)) == [(1, 30), (2, 12)]


def test_nothing_to_allocate() -> None:
    assert allocate([], 0, day(0)) == []
    assert allocate([lot(1, 5, 0, None)], -3, day(0)) == []
    with pytest.raises(InsufficientPoints) as exc:
        allocate([], 1, day(0))
    assert (exc.value.wanted, exc.value.available) == (1, 0)


def test_settle_debt() -> None:
    # earn 50 against debt 80: all 50 settle debt; earn 100 against 30: 30 settle it.
    assert settle_debt(50, 80) == 50
    assert settle_debt(100, 30) == 30
    assert settle_debt(100, 0) == 0
    assert settle_debt(-5, 30) == 0


# -- property


@st.composite
def lots_and_request(draw: st.DrawFn) -> tuple[list[LotView], int, datetime, datetime | None]:
    n = draw(st.integers(0, 8))
    lots = []
    for i in range(n):
        earned = draw(st.integers(0, 20))
        expires = draw(st.one_of(st.none(), st.integers(earned + 1, earned + 30)))
        remaining = draw(st.integers(0, 60))
        lots.append(lot(i + 1, remaining, earned, expires))
    moment = day(draw(st.integers(0, 40)))
    earned_before = draw(st.one_of(st.none(), st.integers(0, 25).map(day)))
    points = draw(st.integers(1, 300))
    return lots, points, moment, earned_before


def _eligible(lt: LotView, moment: datetime, earned_before: datetime | None) -> bool:
    return (
        lt.remaining > 0
        and lt.earned_at <= moment
        and (lt.expires_at is None or lt.expires_at > moment)
        and (earned_before is None or lt.earned_at < earned_before)
    )


@settings(max_examples=300, deadline=None)
@given(lots_and_request())
def test_allocate_property(case: tuple[list[LotView], int, datetime, datetime | None]) -> None:
    lots, points, moment, earned_before = case
    by_id = {lt.lot_id: lt for lt in lots}
    usable = [lt for lt in lots if _eligible(lt, moment, earned_before)]
    total = sum(lt.remaining for lt in usable)
    assert available(lots, moment, earned_before) == total
    if points > total:
        with pytest.raises(InsufficientPoints) as exc:
            allocate(lots, points, moment, earned_before)
        assert (exc.value.wanted, exc.value.available) == (points, total)
        return
    drawn = allocate(lots, points, moment, earned_before)
    _assert_draws_fit(drawn, points, by_id, moment, earned_before)
    _assert_allocation_order(drawn, usable, by_id)


def _assert_draws_fit(
    drawn: list[tuple[int, int]],
    points: int,
    by_id: dict[int, LotView],
    moment: datetime,
    earned_before: datetime | None,
) -> None:
    # sum drawn == asked, every draw positive and within its lot, each lot at most once
    assert sum(n for _, n in drawn) == points
    assert len({lot_id for lot_id, _ in drawn}) == len(drawn)
    for lot_id, n in drawn:
        assert _eligible(by_id[lot_id], moment, earned_before)
        assert 0 < n <= by_id[lot_id].remaining


def _assert_allocation_order(
    drawn: list[tuple[int, int]], usable: list[LotView], by_id: dict[int, LotView]
) -> None:
    # order respected: the draws follow allocation order, every lot but the last is emptied,
    # and no eligible lot that comes earlier in the order is left untouched
    order = sorted(usable, key=allocation_order)
    assert [lot_id for lot_id, _ in drawn] == [lt.lot_id for lt in order[: len(drawn)]]
    for lot_id, n in drawn[:-1]:
        assert n == by_id[lot_id].remaining
    # soonest expiry first, never-expiring last
    keys = [by_id[lot_id].expires_at for lot_id, _ in drawn]
    dated = [k for k in keys if k is not None]
    assert dated == sorted(dated)
    assert keys[: len(dated)] == dated
