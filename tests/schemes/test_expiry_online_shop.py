"""online_shop expiry (SCHEMES.md §5): "points expire 2 years after they were earned" — at the
start of the same date two years later, business time (earned 2026-03-28 → usable through
2028-03-27). Across leap years: the date two years after Feb 29 is clamped to Feb 28 (2030 has
no Feb 29), and two years after Feb 28 is Feb 28 even when Feb 29 exists in between.

普通 members pay full price; 1 point per 1.00."""

from __future__ import annotations

from .expiry_kit import assert_reconciles, balance, buy, enroll, expire, expiring, line, projection


def test_rolling_24_months_across_a_leap_year(make_api):
    api = make_api("online_shop")
    mid = enroll(api, {})
    # 2026-02-28: 100.00 → 100 points, gone at the start of 2028-02-28 (a leap year's Feb 28:
    # the 29th follows, but the points are gone by then).
    assert buy(api, mid, "O1", "2026-02-28T10:00:00+08:00", [line(1, "100.00")]) == 100
    # 2026-03-28: 30.00 → 30 points, gone at the start of 2028-03-28.
    assert buy(api, mid, "O2", "2026-03-28T10:00:00+08:00", [line(1, "30.00")]) == 30
    assert expiring(api, mid, "2027-01-01T00:00:00+08:00") == [
        ("2028-02-28T00:00:00+08:00", 100),
        ("2028-03-28T00:00:00+08:00", 30),
    ]
    assert balance(api, mid, "2028-02-27T23:59:59+08:00") == 130
    assert balance(api, mid, "2028-02-28T00:00:00+08:00") == 30
    # Leap day 2028-02-29: 50.00 → 50 points; two years later is 2030-02-28 (clamped).
    assert buy(api, mid, "O3", "2028-02-29T12:00:00+08:00", [line(1, "50.00")]) == 50
    assert balance(api, mid, "2028-02-29T12:00:00+08:00") == 80  # 30 + 50
    expire(api, mid, "2028-02-28T00:00:00+08:00", 100, check_at="2028-02-29T12:00:00+08:00")
    assert balance(api, mid, "2028-03-27T23:59:59+08:00") == 80
    assert balance(api, mid, "2028-03-28T00:00:00+08:00") == 50
    expire(api, mid, "2028-03-28T00:00:00+08:00", 30)
    assert expiring(api, mid, "2030-01-01T00:00:00+08:00") == [("2030-02-28T00:00:00+08:00", 50)]
    assert balance(api, mid, "2030-02-27T23:59:59+08:00") == 50
    assert balance(api, mid, "2030-02-28T00:00:00+08:00") == 0
    expire(api, mid, "2030-02-28T00:00:00+08:00", 50)
    assert projection(api, mid) == 0  # 100 + 30 + 50 - 100 - 30 - 50
    assert_reconciles(api)
