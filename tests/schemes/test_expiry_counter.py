"""counter expiry (SCHEMES.md §3): points clear at the end of Dec 31 (the start of Jan 1),
except that purchases made **on Dec 31** (business date) credit the next year: usable at once,
and they alone survive the clearing; they clear a year later. The account never expires.

Rebates at full price (price / list ≥ 0.80) are 8.8% of paid, rounded down per line."""

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


def test_dec_31_purchases_count_for_the_next_year(make_api):
    api = make_api("counter")
    mid = enroll(api, {"id_number": ID, "address": "北京市朝阳区建国路1号"})
    # Mar 28: 100.00 × 8.8% = 8.8 → 8 points, cleared 2027-01-01.
    assert buy(api, mid, "C1", "2026-03-28T10:00:00+08:00", [line(1, "100.00")]) == 8
    # Dec 30 23:00 (still Dec 30): 100.00 → 8 points, cleared 2027-01-01.
    assert buy(api, mid, "C2", "2026-12-30T23:00:00+08:00", [line(1, "100.00")]) == 8
    # 2026-12-30T16:30Z is Dec 31 00:30 in Shanghai: a Dec 31 purchase. 200.00 → 17.6 → 17,
    # credited to 2027: they expire at the start of 2028-01-01.
    assert buy(api, mid, "C3", "2026-12-30T16:30:00Z", [line(1, "200.00")]) == 17
    # Dec 31 20:00: 50.00 → 4.4 → 4 points, also for 2027.
    assert buy(api, mid, "C4", "2026-12-31T20:00:00+08:00", [line(1, "50.00")]) == 4
    # Usable at once: on Dec 31 at noon the balance is 8 + 8 + 17 = 33 …
    assert balance(api, mid, "2026-12-31T12:00:00+08:00") == 33
    # … and at the last moment of 2026, 33 + 4 = 37, of which 16 expire on 2027-01-01 and the
    # 21 of Dec 31 on 2028-01-01.
    assert balance(api, mid, "2026-12-31T23:59:59+08:00") == 37
    assert expiring(api, mid, "2026-12-31T23:59:59+08:00") == [
        ("2027-01-01T00:00:00+08:00", 16),
        ("2028-01-01T00:00:00+08:00", 21),
    ]
    # At the start of 2027 only the Dec 31 points remain: 37 - 16 = 21.
    assert balance(api, mid, "2027-01-01T00:00:00+08:00") == 21
    # 2026-12-31T16:00Z (Jan 1 00:00 local) is a Jan 1 purchase: 100.00 → 8, for 2027 (expires
    # 2028-01-01 like any 2027 point).
    assert buy(api, mid, "C5", "2026-12-31T16:00:00Z", [line(1, "100.00")]) == 8
    assert balance(api, mid, "2027-01-01T08:00:00+08:00") == 29
    expire(api, mid, "2027-01-01T00:00:00+08:00", 16, check_at="2027-01-01T08:00:00+08:00")
    assert projection(api, mid) == 29  # 8 + 8 + 17 + 4 + 8 - 16
    # 2027-12-31 is itself a Dec 31: 100.00 → 8 points that survive into 2028.
    assert buy(api, mid, "C6", "2027-12-31T10:00:00+08:00", [line(1, "100.00")]) == 8
    assert balance(api, mid, "2027-12-31T23:59:59+08:00") == 37  # 21 + 8 + 8
    assert balance(api, mid, "2028-01-01T00:00:00+08:00") == 8  # the 29 of 2027 are gone
    expire(api, mid, "2028-01-01T00:00:00+08:00", 29)
    assert expiry_entries(api, mid) == [
        (-29, "2028-01-01T00:00:00+08:00"),
        (-16, "2027-01-01T00:00:00+08:00"),
    ]
    assert projection(api, mid) == 8
    assert balance(api, mid, "2029-01-01T00:00:00+08:00") == 0
    # The account itself never expires: the member is still active.
    assert api.get(f"/members/{mid}").json()["status"] == "active"
    assert_reconciles(api)
