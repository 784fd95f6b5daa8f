"""vip_points expiry (SCHEMES.md §8): "points expire 1 year after earning" — at the start of
the same date a year later, business time. Across a leap year: points earned 2027-02-28 are gone
at the start of 2028-02-28 (the leap day 2028-02-29 does not extend them); points earned on the
leap day 2028-02-29 are gone at the start of 2029-02-28 (clamped: 2029 has no Feb 29).

普通 gets 5% off and 1 point per full 100.00 of the receipt: a 1000.00 receipt pays 950.00 →
9 points. 银卡 comes at 1000.00 cumulative spend (10% off, still 1 point per 100.00)."""

from __future__ import annotations

from .expiry_kit import assert_reconciles, balance, buy, enroll, expire, expiring, line, projection


def test_rolling_12_months_across_a_leap_day(make_api):
    api = make_api("vip_points")
    mid = enroll(api, {})
    # 2027-02-28: 1000.00 at 普通 5% off → 950.00 → 9 points, gone at 2028-02-28 00:00.
    assert buy(api, mid, "V1", "2027-02-28T15:00:00+08:00", [line(1, "1000.00")]) == 9
    assert expiring(api, mid, "2027-03-01T00:00:00+08:00") == [("2028-02-28T00:00:00+08:00", 9)]
    assert balance(api, mid, "2028-02-27T23:59:59+08:00") == 9
    assert balance(api, mid, "2028-02-28T00:00:00+08:00") == 0
    # Leap day: another 1000.00, still priced at 普通 (950.00 spent so far < 1000.00) → 950.00
    # → 9 points, gone at 2029-02-28 00:00; this receipt lifts the member to 银卡.
    assert buy(api, mid, "V2", "2028-02-29T15:00:00+08:00", [line(1, "1000.00")]) == 9
    assert api.get(f"/members/{mid}").json()["tier"] == "silver"
    assert balance(api, mid, "2028-02-29T16:00:00+08:00") == 9
    expire(api, mid, "2028-02-28T00:00:00+08:00", 9, check_at="2028-02-29T16:00:00+08:00")
    assert expiring(api, mid, "2028-03-01T00:00:00+08:00") == [("2029-02-28T00:00:00+08:00", 9)]
    assert balance(api, mid, "2029-02-27T23:59:59+08:00") == 9
    assert balance(api, mid, "2029-02-28T00:00:00+08:00") == 0
    expire(api, mid, "2029-02-28T00:00:00+08:00", 9)
    assert projection(api, mid) == 0  # 9 + 9 - 9 - 9
    assert_reconciles(api)
