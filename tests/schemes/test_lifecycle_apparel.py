"""apparel customer classes (SCHEMES.md §16) by the classify_customers job: A ≥ 3000,
B 2000–2999.99, C 1000–1999.99, D < 1000, on spend in the 365 days up to the job's moment."""

from __future__ import annotations

from .lifecycle_kit import buy, enroll, job, line, member


def classes(api, mids: list[str]) -> list[str | None]:
    return [member(api, m)["customer_class"] for m in mids]


def test_apparel_3000_2000_1000(make_api):
    api = make_api("apparel")
    mids = [enroll(api) for _ in range(4)]
    # No discounts here: paid = list. 3000.00 → A; 2999.99 → B; 1000.00 → C; 999.99 → D.
    for mid, amount in zip(mids, ("3000.00", "2999.99", "1000.00", "999.99"), strict=True):
        buy(api, mid, f"R-{amount}", "2026-06-01T10:00:00+08:00", line(1, amount))
    job(api, "classify_customers", "2026-06-30T00:00:00+08:00")
    assert classes(api, mids) == ["A", "B", "C", "D"]
