"""haoping expiry (SCHEMES.md §13): no expiry is given — points never expire.

VIP (no discount) earns 1 point per 1.00: 100.00 → 100 points."""

from __future__ import annotations

from .expiry_kit import assert_never_expires, buy, enroll, line


def test_points_never_expire(make_api):
    api = make_api("haoping")
    mid = enroll(api, {})
    assert buy(api, mid, "H1", "2026-03-28T10:00:00+08:00", [line(1, "100.00")]) == 100
    assert_never_expires(api, mid, 100, "2026-03-28")
