"""liquor lifecycle (SCHEMES.md §6): joining by kind, card-year renewal of personal cards,
unit stored-value cards (deposits, rebates, retention), paying from stored value, refunds.

Spend figures use `promotion` lines: the member gets only the promotion (no member discount, no
points), so a line's paid money is exactly its list price and the sums below are plain.
"""

from __future__ import annotations

from typing import Any

from .lifecycle_kit import (
    assert_history_explains,
    buy,
    enroll,
    history,
    job,
    line,
    member,
    tier,
    tier_moves,
    verify_clean,
)

JOINED = "2026-01-05T10:00:00+08:00"


def promo(no: int, amount: str) -> dict:
    return line(no, amount, "wine", flags=["promotion"])


def personal(api: Any) -> str:
    return enroll(api, fee_paid="20.00", joined_at=JOINED)


def unit(api: Any) -> str:
    return enroll(api, kind="unit", name="成都某某贸易有限公司", joined_at=JOINED)


def test_joining_by_kind(make_api):
    api = make_api("liquor")
    # 普通: same-day spend 999.99 is short of 1000.00; 1000.00 joins; a 19.99 fee is short of 20.00.
    r = enroll(api, expect=422, qualifying_spend="999.99")
    assert r["code"] == "join_condition_not_met"
    enroll(api, qualifying_spend="1000.00")
    assert enroll(api, expect=422, fee_paid="19.99")["code"] == "join_condition_not_met"
    enroll(api, fee_paid="20.00")
    # A unit joins with its name and phone only: no spend, no fee.
    u = unit(api)
    assert member(api, u)["kind"] == "unit"
    # A group names its level, "1" or "2"; "3" or none is refused; a person has no level.
    assert enroll(api, expect=422, kind="group")["code"] == "group_level_required"
    assert enroll(api, expect=422, kind="group", group_level="3")["code"] == "group_level_required"
    enroll(api, kind="group", group_level="2")
    r = enroll(api, expect=422, fee_paid="20.00", group_level="1")
    assert r["code"] == "group_level_not_allowed"


def test_gold_kept_with_more_than_50000_in_the_card_year(make_api):
    api = make_api("liquor")
    mid = personal(api)
    # One receipt of 10000.00 paid on 2026-03-28 → 金卡 (applies from the next receipt). The
    # card year runs 2026-03-28 … 2027-03-27 and is reviewed at the start of 2027-03-28.
    r = buy(api, mid, "G-1", "2026-03-28T10:15:00+08:00", promo(1, "10000.00"))
    assert r["tier_changed"] == {"from": "regular", "to": "gold"}
    # 19999.99 + 19999.99 + 0.03 on the year's last day (each below 20000.00: no 铂金卡):
    # 10000.00 + 40000.01 = 50000.01 > 50000.00.
    buy(api, mid, "G-2", "2026-09-01T10:00:00+08:00", promo(1, "19999.99"))
    buy(api, mid, "G-3", "2027-03-27T23:00:00+08:00", promo(1, "19999.99"))
    buy(api, mid, "G-4", "2027-03-27T23:59:59+08:00", promo(1, "0.03"))
    # The day before the anniversary nothing is reviewed yet.
    assert job(api, "evaluate_tiers", "2027-03-27T23:59:59+08:00")["kept"] == 0
    done = job(api, "evaluate_tiers", "2027-03-28T00:00:00+08:00")
    assert (done["kept"], done["changed"]) == (1, 0)
    assert tier(api, mid) == "gold"
    kept = history(api, mid, "tier_kept")
    assert kept[0]["detail"]["card_year"] == {"from": "2026-03-28", "through": "2027-03-27"}
    assert kept[0]["occurred_at"] == "2027-03-28T00:00:00+08:00"
    # The same moment again: the run's record answers; a later moment the same day: nothing new.
    assert job(api, "evaluate_tiers", "2027-03-28T00:00:00+08:00")["repeated"] is True
    assert job(api, "evaluate_tiers", "2027-03-28T12:00:00+08:00")["kept"] == 0
    assert len(history(api, mid, "tier_kept")) == 1
    # The next card year (2027-03-28 … 2028-03-27) has no spend: back to 普通 on 2028-03-28.
    assert job(api, "evaluate_tiers", "2028-03-27T12:00:00+08:00")["changed"] == 0
    assert job(api, "evaluate_tiers", "2028-03-28T00:00:00+08:00")["changed"] == 1
    assert tier_moves(api, mid)[-1] == ("gold", "regular", "tier_year", "2028-03-28T00:00:00+08:00")
    assert_history_explains(api, mid, "regular")


def test_gold_falls_back_with_exactly_50000(make_api):
    api = make_api("liquor")
    mid = personal(api)
    buy(api, mid, "H-1", "2026-03-28T10:15:00+08:00", promo(1, "10000.00"))
    # 10000.00 + 19999.99 + 19999.99 + 0.02 = 50000.00: not more than 50000.00. A receipt at
    # 2027-03-28 00:00 belongs to the next card year and does not help.
    buy(api, mid, "H-2", "2026-05-01T10:00:00+08:00", promo(1, "19999.99"))
    buy(api, mid, "H-3", "2026-06-01T10:00:00+08:00", promo(1, "19999.99"))
    buy(api, mid, "H-4", "2027-03-27T10:00:00+08:00", promo(1, "0.02"))
    buy(api, mid, "H-5", "2027-03-28T00:00:00+08:00", promo(1, "5000.00"))
    assert job(api, "evaluate_tiers", "2027-03-28T08:00:00+08:00")["changed"] == 1
    assert tier(api, mid) == "regular"
    change = history(api, mid, "tier_changed")[-1]
    assert change["detail"]["explain"] == ["tier_year_spend 50000.00 ≥ 50000.01: no"]
    # The drop is dated at the anniversary (the card year's end), whenever the job ran.
    assert change["occurred_at"] == "2027-03-28T00:00:00+08:00"
    assert job(api, "evaluate_tiers", "2027-03-28T09:00:00+08:00")["changed"] == 0


def test_a_card_won_on_feb_29_is_reviewed_on_feb_28(make_api):
    api = make_api("liquor")
    mid = personal(api)
    buy(api, mid, "F-1", "2028-02-29T10:00:00+08:00", promo(1, "20000.00"))
    assert tier(api, mid) == "platinum"
    # 2028-02-29 + 1 year = 2029-02-28: the card year ends 2029-02-27.
    assert job(api, "evaluate_tiers", "2029-02-27T23:59:59+08:00")["changed"] == 0
    assert job(api, "evaluate_tiers", "2029-02-28T00:00:00+08:00")["changed"] == 1
    assert tier_moves(api, mid)[-1][:2] == ("platinum", "regular")


def test_unit_deposits_rebates_and_stored_value_cards(make_api):
    api = make_api("liquor")
    u = unit(api)

    def deposit(no: str, amount: str, at: str = "2026-04-01T10:00:00+08:00") -> Any:
        return api.post(
            f"/members/{u}/deposits", {"deposit_no": no, "amount": amount, "occurred_at": at}
        )

    # 19999.99: below every bracket → no rebate, no card.
    r = deposit("D-1", "19999.99")
    assert r.status_code == 201, r.text
    assert (r.json()["rebate"], r.json()["stored_value"], r.json()["tier"]) == (
        "0.00",
        "19999.99",
        "regular",
    )
    # 30000.00 → 1% = 300.00 → 储值金卡; 19999.99 + 30000.00 + 300.00 = 50299.99.
    r = deposit("D-2", "30000.00").json()
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("300.00", "50299.99", "sv_gold")
    assert r["tier_changed"] == {"from": "regular", "to": "sv_gold"}
    # 49999.99 → 1% = 499.9999 → 500.00, still 储值金卡 (the deposit, not the balance, decides).
    r = deposit("D-3", "49999.99").json()
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("500.00", "100799.98", "sv_gold")
    # 50000.00 → 1.5% = 750.00 → 储值铂金卡; 100000.00 → 2% = 2000.00 → 储值钻石卡.
    r = deposit("D-4", "50000.00").json()
    assert (r["rebate"], r["tier"]) == ("750.00", "sv_platinum")
    r = deposit("D-5", "100000.00").json()
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("2000.00", "253549.98", "sv_diamond")
    # A smaller deposit later never lowers the card.
    assert deposit("D-6", "20000.00").json()["tier"] == "sv_diamond"
    # The same deposit again answers the same and changes nothing; the same number with another
    # amount is a conflict.
    assert deposit("D-2", "30000.00").json()["stored_value"] == "50299.99"
    assert deposit("D-2", "30000.01").status_code == 409
    assert member(api, u)["stored_value"] == "273749.98"  # 253549.98 + 20000.00 + 200.00
    # A personal card may hold stored value but gets no rebate and no stored-value card.
    p = personal(api)
    r = api.post(f"/members/{p}/deposits", {"deposit_no": "D-P", "amount": "30000.00"}).json()
    assert (r["rebate"], r["tier"]) == ("0.00", "regular")
    verify_clean(api)


def test_withdrawals_and_paying_from_stored_value(make_api):
    api = make_api("liquor")
    u = unit(api)
    at = "2026-04-01T10:00:00+08:00"
    api.post(
        f"/members/{u}/deposits", {"deposit_no": "D-1", "amount": "20000.00", "occurred_at": at}
    )
    # 20000.00 + 1% 200.00 = 20200.00. Taking out 20200.01 is refused.
    r = api.post(
        f"/members/{u}/withdrawals",
        {"withdrawal_no": "W-1", "amount": "20200.01", "occurred_at": at},
    )
    assert r.status_code == 422 and r.json()["code"] == "insufficient_funds"
    r = api.post(
        f"/members/{u}/withdrawals",
        {"withdrawal_no": "W-2", "amount": "200.00", "occurred_at": "2026-04-02T10:00:00+08:00"},
    )
    assert r.status_code == 201 and r.json()["stored_value"] == "20000.00"
    # A purchase at 储值金卡 (1× = 2% off): 1000.00 → 20.00 off → 980.00 from stored value.
    r = buy(
        api,
        u,
        "SV-1",
        "2026-04-03T10:00:00+08:00",
        line(1, "1000.00", "wine"),
        pay_with_stored_value=True,
    )
    assert r["totals"]["paid"] == "980.00"
    assert (r["stored_value_paid"], r["stored_value"]) == ("980.00", "19020.00")
    # More than the balance: the till is refused, quote and purchase alike.
    body = {
        "receipt_no": "SV-2",
        "member_id": u,
        "occurred_at": "2026-04-03T11:00:00+08:00",
        "pay_with_stored_value": True,
        "lines": [line(1, "19408.17", "wine")],  # 19408.17 - 388.16 = 19020.01 > 19020.00
    }
    for path in ("/purchases/quote", "/purchases"):
        r = api.post(path, body)
        assert r.status_code == 422 and r.json()["code"] == "insufficient_funds", r.text
    # Returning the purchase refunds its paid money to stored value.
    r = api.post(
        "/purchases/SV-1/returns",
        {
            "return_no": "RT-1",
            "occurred_at": "2026-04-04T10:00:00+08:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
    )
    assert r.status_code == 201, r.text
    assert (r.json()["stored_value_refunded"], r.json()["stored_value"]) == ("980.00", "20000.00")
    kinds = [e["kind"] for e in api.get(f"/members/{u}/stored-value").json()["items"]]
    assert kinds == ["refund", "payment", "withdrawal", "rebate", "deposit"]
    verify_clean(api)


def test_stored_value_cards_kept_while_the_balance_holds(make_api):
    api = make_api("liquor")
    keeps, drops = unit(api), unit(api)
    for u in (keeps, drops):
        r = api.post(
            f"/members/{u}/deposits",
            {
                "deposit_no": f"D-{u}",
                "amount": "20000.00",
                "occurred_at": "2026-04-01T10:00:00+08:00",
            },
        )
        assert r.json()["tier"] == "sv_gold"  # balance 20200.00
    # One takes out 200.01 → 19999.99 at the card year's end (2027-04-01 00:00): card lost.
    api.post(
        f"/members/{drops}/withdrawals",
        {"withdrawal_no": "W-1", "amount": "200.01", "occurred_at": "2027-03-31T18:00:00+08:00"},
    )
    api.post(
        f"/members/{keeps}/withdrawals",
        {"withdrawal_no": "W-2", "amount": "200.00", "occurred_at": "2027-03-31T18:00:00+08:00"},
    )
    done = job(api, "evaluate_tiers", "2027-04-01T00:00:00+08:00")
    assert (done["kept"], done["changed"]) == (1, 1)
    assert tier(api, keeps) == "sv_gold" and tier(api, drops) == "regular"
    assert history(api, drops, "tier_changed")[-1]["detail"]["explain"] == [
        "stored_value 19999.99 ≥ 20000.00: no"
    ]


def test_cancelled_for_card_lending_is_refused_at_the_till(make_api):
    api = make_api("liquor")
    mid = personal(api)
    # 100.00 at 1×: 2.00 off and 2 points; cancelling voids them with the reason.
    buy(api, mid, "C-1", "2026-03-28T10:15:00+08:00", line(1, "100.00", "wine"))
    card = member(api, mid)["card_no"]
    r = api.post(
        f"/members/{mid}/cancel",
        {
            "reason": "card_lending",
            "note": "借卡他人使用",
            "occurred_at": "2026-04-01T10:00:00+08:00",
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["points"] == 0
    entry = api.get(f"/members/{mid}/ledger").json()["items"][0]
    assert (entry["kind"], entry["points"]) == ("adjust_out", -2)
    assert "card_lending" in entry["reason"]
    body = {
        "receipt_no": "C-2",
        "occurred_at": "2026-04-02T10:00:00+08:00",
        "lines": [line(1, "10.00")],
    }
    r = api.post("/purchases", {**body, "member_id": mid})
    assert r.status_code == 403 and r.json()["code"] == "member_cancelled"
    r = api.post("/purchases", {**body, "card_no": card})
    assert r.status_code == 403  # the card was closed with the membership
    # Only a manager cancels; cancelling again changes nothing.
    assert (
        api.post(f"/members/{mid}/cancel", {"reason": "fraud"}, role="cashier").status_code == 403
    )
    assert api.post(f"/members/{mid}/cancel", {"reason": "fraud"}).status_code == 200
    assert len(history(api, mid, "status")) == 1
    verify_clean(api)
