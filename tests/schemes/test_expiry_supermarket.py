"""supermarket expiry (SCHEMES.md §1): "the calendar year is the points cycle; on Jan 1 all
points of the previous year are cleared" — the clearing is at the start of Jan 1, business
time (Asia/Shanghai), with no exception for Dec 31 purchases."""

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


def test_points_clear_at_the_start_of_jan_1(make_api):
    api = make_api("supermarket")
    mid = enroll(api, {"id_number": ID, "fee_paid": "5.00"}, activate=True)
    # 120.00 of food, 1 point per 1.00 → 120 points, cleared 2027-01-01 00:00.
    assert buy(api, mid, "S1", "2026-03-28T10:00:00+08:00", [line(1, "120.00", "food")]) == 120
    # 80.00 at 23:30 on Dec 31 → 80 points, also earned in 2026 → cleared with the rest.
    assert buy(api, mid, "S2", "2026-12-31T23:30:00+08:00", [line(1, "80.00", "food")]) == 80
    # The last moment of 2026: 120 + 80 = 200, all expiring at the start of 2027-01-01.
    assert balance(api, mid, "2026-12-31T23:59:59+08:00") == 200
    assert expiring(api, mid, "2026-12-31T23:59:59+08:00") == [("2027-01-01T00:00:00+08:00", 200)]
    # 2026-12-31T16:00:00Z is 2027-01-01 00:00 in Shanghai: already cleared, job or not.
    assert balance(api, mid, "2026-12-31T16:00:00Z") == 0
    # A purchase on Jan 1 of 50.00 earns 50 points for the 2027 cycle.
    assert buy(api, mid, "S3", "2027-01-01T10:00:00+08:00", [line(1, "50.00", "food")]) == 50
    assert balance(api, mid, "2027-01-02T00:00:00+08:00") == 50
    # Before the job the projection still holds 200 + 50 = 250; the job expires 200 …
    assert projection(api, mid) == 250
    expire(api, mid, "2027-01-01T00:00:00+08:00", 200, check_at="2027-01-02T00:00:00+08:00")
    # … dated at its as_of, and then the projection agrees with the balance: 250 - 200 = 50.
    assert expiry_entries(api, mid) == [(-200, "2027-01-01T00:00:00+08:00")]
    assert projection(api, mid) == 50
    # The 50 points of 2027 clear on 2028-01-01.
    assert balance(api, mid, "2027-12-31T23:59:59+08:00") == 50
    assert balance(api, mid, "2028-01-01T00:00:00+08:00") == 0
    expire(api, mid, "2028-01-01T00:00:00+08:00", 50)
    assert projection(api, mid) == 0
    assert_reconciles(api)
