"""fashion_club services — SCHEMES.md §15 "Services" and "Birthday … 金卡+ also a gift", through
the HTTP API (GET/POST /members/{id}/entitlements).

金卡 and 钻石卡: free pressing and alterations, free made-to-measure (standing services, each use
recorded), a gift on the birthday (once a year). 钻石卡: own cup and slippers in the shop, and
a gift at 端午, 中秋 and 春节 (lunar dates), claimable from 7 days before through the day
(the preset's window), once per festival. 银卡: none of these.
Tiers (for the set-up): 金卡 at 10000.00 cumulative spend, 钻石卡 at 30000.00; 银卡 pays 9折
on lines at the tag price.
"""

from __future__ import annotations

from .rewards_kit import buy, enroll, entitlements, line, use


def test_club_services_birthday_and_festival_gifts_by_card(make_api):
    api = make_api("fashion_club")
    s = enroll(api, "13800138000", birthday="1990-05-17")
    g = enroll(api, "13900139000", birthday="1990-05-17")
    d = enroll(api, "13700137000", birthday="1990-05-17")
    # 12000.00 × 0.9 = 10800.00 → 金卡; 40000.00 × 0.9 = 36000.00 → 钻石卡.
    assert (
        buy(api, g, "PG", "2026-03-01T10:00:00+08:00", [line(1, "12000.00")])["tier_changed"]["to"]
        == "gold"
    )
    assert (
        buy(api, d, "PD", "2026-03-01T10:00:00+08:00", [line(1, "40000.00")])["tier_changed"]["to"]
        == "diamond"
    )
    at = "2026-04-01T10:00:00+08:00"

    def refused(member: str, code: str, no: str, when: str = at, why: str = "not_entitled") -> None:
        r = use(api, member, code, no, when)
        assert (r.status_code, r.json()["code"]) == (422, why), r.text

    def granted(member: str, code: str, no: str, when: str = at) -> str:
        r = use(api, member, code, no, when)
        assert r.status_code == 201, r.text
        return str(r.json()["period"])

    # 银卡: nothing free.
    for no, code in enumerate(("pressing_alterations", "made_to_measure", "cup_and_slippers")):
        refused(s, code, f"S{no}")
    refused(s, "birthday_gift", "S9", "2026-05-17T10:00:00+08:00")
    # 金卡: pressing, alterations and made-to-measure as often as needed; no cup and slippers,
    # no festival gift.
    assert [granted(g, "pressing_alterations", n) for n in ("G1", "G2")] == ["standing", "standing"]
    assert granted(g, "made_to_measure", "G3") == "standing"
    refused(g, "cup_and_slippers", "G4")
    refused(g, "festival_gift", "G5", "2026-09-20T10:00:00+08:00")
    assert granted(g, "birthday_gift", "G6", "2026-05-17T10:00:00+08:00") == "2026"
    refused(g, "birthday_gift", "G7", "2026-05-17T18:00:00+08:00", "already_used")
    # 钻石卡: the cup and slippers, and the festival gifts. 中秋 2026 is Sep 25: Sep 18–25.
    assert granted(d, "cup_and_slippers", "D1") == "standing"
    refused(d, "festival_gift", "D2", "2026-09-17T23:59:00+08:00")
    listed = entitlements(api, d, "2026-09-18T00:00:00+08:00")["festival_gift"]
    assert (listed["available"], listed["remaining"]) == (True, 1)
    assert granted(d, "festival_gift", "D3", "2026-09-18T00:00:00+08:00") == "mid_autumn-2026-09-25"
    refused(d, "festival_gift", "D4", "2026-09-25T20:00:00+08:00", "already_used")
    refused(d, "festival_gift", "D5", "2026-09-26T10:00:00+08:00")
    # 端午 2026 is Jun 19; 春节 2027 is Feb 6 (claimed on Feb 1, within the 7 days before).
    assert (
        granted(d, "festival_gift", "D6", "2026-06-19T10:00:00+08:00") == "dragon_boat-2026-06-19"
    )
    assert (
        granted(d, "festival_gift", "D7", "2027-02-01T10:00:00+08:00")
        == "spring_festival-2027-02-06"
    )
    assert granted(d, "birthday_gift", "D8", "2026-05-17T10:00:00+08:00") == "2026"
