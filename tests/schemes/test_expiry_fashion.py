"""fashion expiry (SCHEMES.md §14): the seed sets no expiry — points never expire.

普通 gets 9折 and 1 point per 1.00 paid: 100.00 of apparel → 90.00 → 90 points."""

from __future__ import annotations

from .expiry_kit import assert_never_expires, buy, enroll, line


def test_points_never_expire(make_api):
    api = make_api("fashion")
    mid = enroll(api, {"birthday": "1985-09-09", "fee_paid": "10.00"})
    assert buy(api, mid, "F1", "2026-03-28T10:00:00+08:00", [line(1, "100.00", "apparel")]) == 90
    assert_never_expires(api, mid, 90, "2026-03-28")
