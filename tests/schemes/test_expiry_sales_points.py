"""sales_points expiry (SCHEMES.md §9): points are valid until the end of the calendar (fiscal)
year in which they were earned — gone at the start of Jan 1 — and spending uses the
earliest-expiring points first.

1 point per full 1000.00 of signed orders; the part below 1000.00 carries to the next order."""

from __future__ import annotations

from .expiry_kit import assert_reconciles, balance, buy, enroll, expire, expiring, line, projection


def test_points_last_to_the_end_of_the_fiscal_year_of_earning(make_api):
    api = make_api("sales_points")
    mid = enroll(api, {})
    # 2026-03-10: 2500.00 → 2 points, 500.00 carried; they expire 2027-01-01 00:00.
    assert buy(api, mid, "P1", "2026-03-10T10:00:00+08:00", [line(1, "2500.00")]) == 2
    # 2026-12-31 10:00: 1500.00 + 500.00 carried = 2000.00 → 2 points, also of 2026.
    assert buy(api, mid, "P2", "2026-12-31T10:00:00+08:00", [line(1, "1500.00")]) == 2
    assert expiring(api, mid, "2026-12-31T12:00:00+08:00") == [("2027-01-01T00:00:00+08:00", 4)]
    assert balance(api, mid, "2026-12-31T23:59:59+08:00") == 4
    assert balance(api, mid, "2027-01-01T00:00:00+08:00") == 0
    # 2027-02-01: 3000.00 → 3 points (nothing carried), valid through 2027-12-31.
    assert buy(api, mid, "P3", "2027-02-01T10:00:00+08:00", [line(1, "3000.00")]) == 3
    expire(api, mid, "2027-01-01T00:00:00+08:00", 4, check_at="2027-02-02T00:00:00+08:00")
    assert balance(api, mid, "2027-12-31T23:59:59+08:00") == 3
    assert balance(api, mid, "2028-01-01T00:00:00+08:00") == 0
    expire(api, mid, "2028-01-01T00:00:00+08:00", 3)
    assert projection(api, mid) == 0
    assert_reconciles(api)
