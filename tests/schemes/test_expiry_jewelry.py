"""jewelry expiry (SCHEMES.md §12): "points clear at the end of every Oct 31" — at the start of
Nov 1, business time. A purchase on Oct 31 (even at 23:59) clears hours later; one on Nov 1
lives a whole year.

Diamonds earn 1 point per 3.00 paid; 黄金卡 gets 95折 on one-price goods (diamond)."""

from __future__ import annotations

from .expiry_kit import (
    ID,
    assert_reconciles,
    balance,
    buy,
    enroll,
    expire,
    expiring,
    expiry_entries,
    line,
    projection,
)


def test_points_clear_at_the_end_of_oct_31(make_api):
    api = make_api("jewelry")
    mid = enroll(api, {"id_number": ID})
    # Oct 31 20:00: a 300.00 diamond at 95折 → 285.00 paid → 285 / 3 = 95 points, cleared at
    # 2026-11-01 00:00.
    assert buy(api, mid, "J1", "2026-10-31T20:00:00+08:00", [line(1, "300.00", "diamond")]) == 95
    assert balance(api, mid, "2026-10-31T23:59:59+08:00") == 95
    assert expiring(api, mid, "2026-10-31T23:59:59+08:00") == [("2026-11-01T00:00:00+08:00", 95)]
    assert balance(api, mid, "2026-11-01T00:00:00+08:00") == 0
    # Nov 1 10:00: a 150.00 diamond → 142.50 paid → 47.5 → 47 points, cleared 2027-11-01.
    assert buy(api, mid, "J2", "2026-11-01T10:00:00+08:00", [line(1, "150.00", "diamond")]) == 47
    assert balance(api, mid, "2026-11-01T12:00:00+08:00") == 47
    expire(api, mid, "2026-11-01T00:00:00+08:00", 95, check_at="2026-11-01T12:00:00+08:00")
    assert projection(api, mid) == 47  # 95 + 47 - 95
    # A whole year: still 47 at the last moment of 2027-10-31, 0 at the start of Nov 1.
    assert balance(api, mid, "2027-10-31T23:59:59+08:00") == 47
    assert balance(api, mid, "2027-11-01T00:00:00+08:00") == 0
    expire(api, mid, "2027-11-01T00:00:00+08:00", 47)
    assert expiry_entries(api, mid) == [
        (-47, "2027-11-01T00:00:00+08:00"),
        (-95, "2026-11-01T00:00:00+08:00"),
    ]
    assert projection(api, mid) == 0
    assert_reconciles(api)
