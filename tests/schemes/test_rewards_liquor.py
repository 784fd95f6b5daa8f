"""liquor services — SCHEMES.md §6 "Delivery quote" (inside the 3rd ring road free; outside
50.00 + 3.00 per item) and the seed's birthday gift (生日有礼, on the day, once a year), through
the HTTP API.
"""

from __future__ import annotations

from .rewards_kit import enroll, use


def test_delivery_quotes_and_the_birthday_gift(make_api):
    api = make_api("liquor")

    def quote(zone: str, items: int) -> str:
        r = api.post("/delivery-quotes", {"zone": zone, "items": items}, role="cashier")
        assert r.status_code == 200, r.text
        assert (r.json()["zone"], r.json()["items"]) == (zone, items)
        return str(r.json()["fee"])

    # Inside: free whatever the items. Outside: 50.00 + 3.00 × items (1 → 53.00, 12 → 86.00).
    assert [quote("inside_3rd_ring", n) for n in (1, 12)] == ["0.00", "0.00"]
    assert [quote("outside_3rd_ring", n) for n in (1, 12, 100)] == ["53.00", "86.00", "350.00"]
    r = api.post("/delivery-quotes", {"zone": "moon", "items": 1})
    assert (r.status_code, r.json()["code"]) == (422, "unknown_zone")
    assert api.post("/delivery-quotes", {"zone": "inside_3rd_ring", "items": 0}).status_code == 422

    a = enroll(api, "13800138000", fee_paid="20.00", birthday="1985-02-28")
    b = enroll(api, "13900139000", fee_paid="20.00")
    r = use(api, a, "birthday_gift", "B1", "2026-02-28T10:00:00+08:00")
    assert r.status_code == 201 and r.json()["period"] == "2026"
    r = use(api, a, "birthday_gift", "B2", "2026-02-28T11:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (422, "already_used")
    r = use(api, b, "birthday_gift", "B3", "2026-02-28T10:00:00+08:00")  # no birthday on file
    assert (r.status_code, r.json()["code"]) == (422, "not_entitled")
    # A's use number sent again for A answers as before; for another member it is a new request
    # reusing the number (not A's answer).
    again = use(api, a, "birthday_gift", "B1", "2026-02-28T10:00:00+08:00")
    assert again.status_code == 201 and again.json()["period"] == "2026"
    r = use(api, b, "birthday_gift", "B1", "2026-02-28T10:00:00+08:00")
    assert (r.status_code, r.json()["code"]) == (409, "number_reused")
