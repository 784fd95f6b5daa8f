"""Dealing the pool: even, random, reproducible, never back to a former owner."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from huiyuan.domain.ownership import deal, lapses_on


def test_lapse_is_two_calendar_months_from_the_latest_event():
    assert lapses_on(date(2026, 1, 5), None, 2) == date(2026, 3, 5)
    assert lapses_on(date(2026, 1, 5), date(2026, 2, 10), 2) == date(2026, 4, 10)
    # Dec 31 + 2 calendar months → Feb 28 (clamped to the month's end, 2027 is common).
    assert lapses_on(date(2026, 12, 31), None, 2) == date(2027, 2, 28)


def test_each_member_excluded_from_its_last_guide_still_deals_evenly():
    pool = [f"m{i:03d}" for i in range(203)]
    guides = [f"g{i}" for i in range(10)]
    former = {m: {guides[i % 10]} for i, m in enumerate(pool)}
    result = deal(pool, guides, former, "seed")
    assert sorted(Counter(result.assigned.values()).values()) == [20] * 7 + [21] * 3
    assert all(result.assigned[m] not in former[m] for m in pool)


def test_same_seed_same_dealing_other_seed_other_dealing():
    pool = [f"m{i}" for i in range(50)]
    guides = ["a", "b", "c"]
    one = deal(pool, guides, {}, "s1").assigned
    assert deal(pool, guides, {}, "s1").assigned == one
    assert deal(pool, guides, {}, "s2").assigned != one


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 60),
    g=st.integers(1, 8),
    data=st.data(),
)
def test_never_to_a_former_owner_and_everyone_dealt(n, g, data):
    pool = [f"m{i}" for i in range(n)]
    guides = [f"g{i}" for i in range(g)]
    former = {
        m: set(data.draw(st.lists(st.sampled_from(guides), max_size=g - 1, unique=True)))
        for m in pool
    }
    result = deal(pool, guides, former, "x")
    assert set(result.assigned) | set(result.undealt) == set(pool)
    assert all(result.assigned[m] not in former[m] for m in result.assigned)
    # With fewer than g exclusions each, everyone is dealt.
    assert result.undealt == []
    loads = Counter(result.assigned.values())
    assert sum(loads.values()) == n
