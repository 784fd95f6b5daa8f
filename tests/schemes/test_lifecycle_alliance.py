"""alliance customer classes (SCHEMES.md §2) by the classify_customers job: A ≥ 10000,
B ≥ 5000, C ≥ 2000, D below, on spend in the 365 days up to the job's moment; every change in
the member's history; a second run changes nothing. Joining: ID + a receipt ≥ 200.00."""

from __future__ import annotations

from .lifecycle_kit import buy, enroll, history, job, line, member


def classes(api, mids: list[str]) -> list[str | None]:
    return [member(api, m)["customer_class"] for m in mids]


ID = "11010519491231002X"


def test_alliance_a_b_c_d_by_365_day_spend(make_api):
    api = make_api("alliance")

    def join() -> str:
        return enroll(api, id_number=ID, qualifying_spend="200.00")

    assert enroll(api, expect=422, id_number=ID, qualifying_spend="199.99")["code"] == (
        "join_condition_not_met"
    )
    mids = [join() for _ in range(5)]
    # 9.5折: a line of L pays L − money(L × 5%). 10526.32 → 10000.00 (526.316 → 526.32 off);
    # 10526.31 → 9999.99 (526.3155 → 526.32); 2105.26 → 2000.00 (105.263 → 105.26);
    # 2105.25 → 1999.99 (105.2625 → 105.26). The fifth member buys nothing.
    at = "2026-03-01T10:00:00+08:00"
    amounts = ("10526.32", "10526.31", "2105.26", "2105.25")
    paid = [
        buy(api, mid, f"R-{i}", at, line(1, amount))["totals"]["paid"]
        for i, (mid, amount) in enumerate(zip(mids[:4], amounts, strict=True))
    ]
    assert paid == ["10000.00", "9999.99", "2000.00", "1999.99"]
    # A ≥ 10000.00, B ≥ 5000.00, C ≥ 2000.00, D below (no purchase: D).
    done = job(api, "classify_customers", "2027-03-01T00:00:00+08:00")
    assert done["changed"] == 5
    assert classes(api, mids) == ["A", "B", "C", "D", "D"]
    assert history(api, mids[0], "class_changed")[0]["detail"]["from"] is None
    assert job(api, "classify_customers", "2027-03-01T00:00:00+08:00")["repeated"] is True
    # 09:00: the window starts 2026-03-01 09:00, the 10:00 receipts are still in it.
    assert job(api, "classify_customers", "2027-03-01T09:00:00+08:00")["changed"] == 0
    # 10:00:01: the receipts of 2026-03-01 10:00 are more than 365 days old → all D.
    assert job(api, "classify_customers", "2027-03-01T10:00:01+08:00")["changed"] == 3
    assert classes(api, mids) == ["D"] * 5
    last = history(api, mids[0], "class_changed")[-1]["detail"]
    assert (last["from"], last["to"], last["value"]) == ("A", "D", "0.00")
