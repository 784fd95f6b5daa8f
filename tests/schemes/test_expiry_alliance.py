"""alliance expiry (SCHEMES.md §2): the points year is Jan 1 – Dec 31, cleared on Jan 1
(redemption must happen by Dec 31).

9.5折 at partner merchants; 1 point per full 10.00 of the receipt (the rest is dropped)."""

from __future__ import annotations

from .expiry_kit import ID, assert_reconciles, balance, buy, enroll, expire, line, projection


def test_points_year_clears_on_jan_1(make_api):
    api = make_api("alliance")
    mid = enroll(api, {"id_number": ID, "qualifying_spend": "200.00", "merchant": "M01"})
    # 2026-05-01: 300.00 × 0.95 = 285.00 → 28 full 10.00 → 28 points.
    lines = [line(1, "300.00")]
    assert buy(api, mid, "A1", "2026-05-01T10:00:00+08:00", lines, merchant="M01") == 28
    # 2027-01-01 09:00: 100.00 × 0.95 = 95.00 → 9 points for the 2027 year.
    lines = [line(1, "100.00")]
    assert buy(api, mid, "A2", "2027-01-01T09:00:00+08:00", lines, merchant="M01") == 9
    assert balance(api, mid, "2026-12-31T23:59:59+08:00") == 28
    assert balance(api, mid, "2027-01-01T00:00:00+08:00") == 0
    assert balance(api, mid, "2027-01-01T10:00:00+08:00") == 9
    expire(api, mid, "2027-01-01T00:00:00+08:00", 28, check_at="2027-01-01T10:00:00+08:00")
    assert projection(api, mid) == 9
    assert balance(api, mid, "2028-01-01T00:00:00+08:00") == 0
    assert_reconciles(api)
