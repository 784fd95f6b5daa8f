"""guide_store expiry (SCHEMES.md §7): the seed sets no expiry — points never expire.

普通 earns 1 point per 1.00 (1×): 100.00 → 100 points."""

from __future__ import annotations

from .expiry_kit import assert_never_expires, buy, enroll, line


def test_points_never_expire(make_api):
    api = make_api("guide_store")
    mid = enroll(api, {"birthday": "--05-17"})
    assert buy(api, mid, "G1", "2026-03-28T10:00:00+08:00", [line(1, "100.00")]) == 100
    assert_never_expires(api, mid, 100, "2026-03-28")
