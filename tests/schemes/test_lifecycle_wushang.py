"""wushang customer classes (SCHEMES.md §10): points earned in the current calendar year,
kept with every receipt (A < 1000, B 1000–2999, …); the classify_customers job resets the
stored class to A when the year turns."""

from __future__ import annotations

from .lifecycle_kit import buy, enroll, history, job, line, member


def classes(api, mids: list[str]) -> list[str | None]:
    return [member(api, m)["customer_class"] for m in mids]


def test_wushang_classes_reset_to_a_on_jan_1(make_api):
    api = make_api("wushang")
    low, high = enroll(api, fee_paid="2.00"), enroll(api, fee_paid="2.00")
    # 9.5折 in class A: 1051.58 → 999.00 paid (52.579 → 52.58 off) → 999 points: still A;
    # 1052.63 → 1000.00 paid (52.6315 → 52.63) → 1000 points → B, kept with the receipt.
    buy(api, low, "W-1", "2026-12-30T10:00:00+08:00", line(1, "1051.58", "food"))
    buy(api, high, "W-2", "2026-12-30T10:00:00+08:00", line(1, "1052.63", "food"))
    assert classes(api, [low, high]) == ["A", "B"]
    assert job(api, "classify_customers", "2026-12-31T23:59:59+08:00")["changed"] == 0
    # Jan 1: no points yet in 2027 → A again, recorded.
    assert job(api, "classify_customers", "2027-01-01T00:00:00+08:00")["changed"] == 1
    assert classes(api, [low, high]) == ["A", "A"]
    change = history(api, high, "class_changed")[-1]
    assert (change["detail"]["from"], change["detail"]["to"]) == ("B", "A")
    assert change["occurred_at"] == "2027-01-01T00:00:00+08:00"
