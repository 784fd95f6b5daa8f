"""fashion_club expiry (SCHEMES.md §15): no expiry is given — points never expire.

银卡 on joining; a line sold at ≥ 0.80 of its tag gets a further 9折, and 1 point per 1.00
paid: 100.00 at full price → 90.00 → 90 points."""

from __future__ import annotations

from .expiry_kit import assert_never_expires, buy, enroll, line


def test_points_never_expire(make_api):
    api = make_api("fashion_club")
    mid = enroll(api, {})
    assert buy(api, mid, "FC1", "2026-03-28T10:00:00+08:00", [line(1, "100.00")]) == 90
    assert_never_expires(api, mid, 90, "2026-03-28")
