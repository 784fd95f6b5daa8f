"""liquor expiry (SCHEMES.md §6): the seed sets no expiry — points never expire.

普通 card: points = the line's 1× member discount (2% of list) × 1: 1000.00 of wine → 20.00
→ 20 points."""

from __future__ import annotations

from .expiry_kit import assert_never_expires, buy, enroll, line


def test_points_never_expire(make_api):
    api = make_api("liquor")
    mid = enroll(api, {"name": "张伟", "fee_paid": "20.00"})
    assert buy(api, mid, "L1", "2026-03-28T10:00:00+08:00", [line(1, "1000.00", "wine")]) == 20
    assert_never_expires(api, mid, 20, "2026-03-28")
