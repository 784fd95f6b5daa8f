"""wushang expiry (SCHEMES.md §10): "points clear once a year (Dec 31)" — at the end of Dec 31,
i.e. the start of Jan 1, business time.

1 point per 1.00 paid; class A (everyone at first) gets 9.5折, so 100.00 pays 95.00 → 95."""

from __future__ import annotations

from .expiry_kit import assert_reconciles, balance, buy, enroll, expire, line, projection


def test_points_clear_at_the_end_of_dec_31(make_api):
    api = make_api("wushang")
    mid = enroll(api, {"name": "张伟", "fee_paid": "2.00"})
    # 2026-06-01: 100.00 × 0.95 = 95.00 → 95 points.
    assert buy(api, mid, "W1", "2026-06-01T10:00:00+08:00", [line(1, "100.00", "food")]) == 95
    # 2026-12-31 23:00: 40.00 × 0.95 = 38.00 → 38 points, cleared an hour later with the rest.
    assert buy(api, mid, "W2", "2026-12-31T23:00:00+08:00", [line(1, "40.00", "food")]) == 38
    assert balance(api, mid, "2026-12-31T23:59:59+08:00") == 133
    assert balance(api, mid, "2027-01-01T00:00:00+08:00") == 0
    expire(api, mid, "2027-01-01T00:00:00+08:00", 133)
    assert projection(api, mid) == 0
    assert_reconciles(api)
