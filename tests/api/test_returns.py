"""Returns (退货) claw back exactly the returned lines' points and cannot be repeated.

Supermarket preset (SCHEMES.md §1): 1 point per 1.00 paid, rounded down per line; appliance and
clothing 1 point per 50.00; tobacco earns 0. A return reverses the cumulative share of the line's
points: floor(points × returned_qty / qty) minus what earlier returns of the line reversed, so
returning everything reverses exactly what was earned.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from huiyuan.domain.ledger import EntryKind
from huiyuan.services import ledger
from huiyuan.services.verify import verify
from huiyuan.store.schema import ledger_entries, receipt_lines, receipts, requests

from .kit import ID, JOINED
from .kit import active_member as _member
from .kit import reversal as _rev
from .kit import row_count as _count

SOLD = "2026-03-28T10:15:00+08:00"
LATER = "2026-03-29T09:00:00+08:00"


def _line(line_no: int, qty: str, price: str, category: str = "food") -> dict[str, Any]:
    return {
        "line_no": line_no,
        "sku": f"SKU{line_no}",
        "category": category,
        "qty": qty,
        "list_price": price,
    }


def _buy(api: Any, mid: str, lines: list[dict[str, Any]], receipt_no: str = "R-1") -> Any:
    body = {"receipt_no": receipt_no, "member_id": mid, "occurred_at": SOLD, "lines": lines}
    r = api.post("/purchases", body)
    assert r.status_code == 201, r.text
    return r.json()


def _ret(api: Any, return_no: str, lines: dict[int, str], receipt_no: str = "R-1") -> Any:
    body = {
        "return_no": return_no,
        "occurred_at": LATER,
        "lines": [{"line_no": n, "qty": q} for n, q in lines.items()],
    }
    return api.post(f"/purchases/{receipt_no}/returns", body)


def _points(api: Any, mid: str) -> int:
    return int(api.get(f"/members/{mid}").json()["points"])


def _reconciles(api: Any) -> None:
    report = verify(api.ctx, "supermarket")
    assert report.ok, report.problems


def test_partial_return_then_the_rest(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    # 2 × 35.50 = 71.00 → 71 points.
    assert _buy(api, mid, [_line(1, "2", "35.50")])["points_earned"] == 71

    r = _ret(api, "RT-1", {1: "1"})
    assert r.status_code == 201, r.text
    # floor(71 × 1/2) = floor(35.5) = 35; balance 71 − 35 = 36.
    assert _rev(r) == (35, 36)

    r = _ret(api, "RT-2", {1: "1"})
    assert r.status_code == 201, r.text
    # All returned: floor(71 × 2/2) = 71 in total, 71 − 35 = 36 now; balance 0.
    assert _rev(r) == (36, 0)
    assert _points(api, mid) == 0

    items = api.get(f"/members/{mid}/ledger").json()["items"]
    assert [(e["kind"], e["points"], e["ref"]) for e in items] == [
        ("clawback", -36, "RT-2"),
        ("clawback", -35, "RT-1"),
        ("earn", 71, "R-1"),
    ]
    # Spend net of returns drops too: 71.00 − 35.50 − 35.50 = 0.00.
    with api.ctx.engine.connect() as conn:
        assert conn.execute(select(receipts.c.paid_net)).scalar_one() == Decimal("0.00")
    _reconciles(api)


def test_returning_more_than_sold_is_refused_and_changes_nothing(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    _buy(api, mid, [_line(1, "2", "35.50")])
    r = _ret(api, "RT-1", {1: "3"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "return_exceeds_sold"
    assert _rev(_ret(api, "RT-2", {1: "1"})) == (35, 36)
    # 1 left on the line; 1.001 more is too much.
    r = _ret(api, "RT-3", {1: "1.001"})
    assert r.status_code == 422 and r.json()["code"] == "return_exceeds_sold"
    assert _points(api, mid) == 36
    assert _count(api, ledger_entries) == 2
    # The rest, then nothing more: a fully returned line cannot be returned again.
    assert _rev(_ret(api, "RT-4", {1: "1"})) == (36, 0)
    r = _ret(api, "RT-5", {1: "0.001"})
    assert r.status_code == 422 and r.json()["code"] == "return_exceeds_sold"
    assert _points(api, mid) == 0
    assert _count(api, ledger_entries) == 3


def test_unknown_receipt_and_unknown_line(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    _buy(api, mid, [_line(1, "2", "35.50")])
    r = _ret(api, "RT-1", {1: "1"}, receipt_no="R-NOPE")
    assert r.status_code == 404
    assert r.json()["code"] == "receipt_not_found"
    r = _ret(api, "RT-1", {1: "1", 9: "1"})
    assert r.status_code == 422
    assert r.json()["code"] == "unknown_line"
    # Line 1 was valid but nothing of the return was kept.
    assert _points(api, mid) == 71
    assert _count(api, ledger_entries) == 1
    with api.ctx.engine.connect() as conn:
        assert conn.execute(select(receipt_lines.c.returned_qty)).scalar_one() == 0
    assert _rev(_ret(api, "RT-1", {1: "1"})) == (35, 36)


def test_only_the_returned_lines_points_come_back(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    answer = _buy(
        api,
        mid,
        [
            _line(1, "2", "35.50"),  # food 71.00 → 71
            _line(2, "1", "30.00", "tobacco"),  # tobacco → 0
            _line(3, "1", "120.00", "appliance"),  # floor(120 / 50) = 2
        ],
    )
    assert [li["points"] for li in answer["lines"]] == [71, 0, 2]
    assert answer["balance"] == 73
    assert _rev(_ret(api, "RT-1", {3: "1"})) == (2, 71)
    assert _rev(_ret(api, "RT-2", {2: "1"})) == (0, 71)
    _reconciles(api)


def test_piecewise_and_fractional_returns_add_up_to_what_was_earned(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    # 4 × 2.50 = 10.00 → 10 points.
    assert _buy(api, mid, [_line(1, "4", "2.50")])["points_earned"] == 10
    # Cumulative floors: floor(10·1/4)=2, floor(10·2/4)=5, floor(10·3/4)=7, floor(10·4/4)=10.
    reversed_ = [_ret(api, f"RT-{i}", {1: "1"}).json()["points_reversed"] for i in range(1, 5)]
    assert reversed_ == [2, 3, 2, 3]
    assert sum(reversed_) == 10
    assert _points(api, mid) == 0
    # 1.5 kg × 10.00 = 15.00 → 15 points.
    assert _buy(api, mid, [_line(1, "1.5", "10.00", "fresh")], "R-2")["points_earned"] == 15
    # floor(15 × 0.5 / 1.5) = 5.
    assert _rev(_ret(api, "RT-5", {1: "0.5"}, "R-2")) == (5, 10)
    assert _rev(_ret(api, "RT-6", {1: "1"}, "R-2")) == (10, 0)


def _spend(api: Any, mid: str, points: int) -> None:
    """Spends points through the ledger service (no redemption window needed for the test)."""
    now = api.ctx.now()
    with api.ctx.uow() as uow:
        stored = uow.programs.get("supermarket")
        assert uow.members.get(stored.program_id, mid, lock=True) is not None
        posting = ledger.Posting(
            stored.program_id, mid, datetime.fromisoformat(SOLD), now, ref="SPEND-1"
        )
        ledger.debit(uow, posting, points, EntryKind.REDEEM)
        uow.commit()


def test_return_after_the_points_were_spent_leaves_a_negative_balance(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    _buy(api, mid, [_line(1, "2", "35.50")])  # 71 points
    _spend(api, mid, 71)
    assert _points(api, mid) == 0

    r = _ret(api, "RT-1", {1: "2"})
    assert r.status_code == 201, r.text
    assert _rev(r) == (71, -71)
    assert _points(api, mid) == -71
    _reconciles(api)

    # The next earnings fill the debt first: 100.00 → 100 points; −71 + 100 = 29.
    answer = _buy(api, mid, [_line(1, "1", "100.00")], receipt_no="R-2")
    assert answer["points_earned"] == 100
    assert answer["balance"] == 29
    _reconciles(api)


def test_return_after_some_points_were_spent(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    _buy(api, mid, [_line(1, "2", "35.50")])  # 71
    _spend(api, mid, 50)  # 21 left
    # Return 1 of 2: 35 reversed; 21 − 35 = −14.
    assert _rev(_ret(api, "RT-1", {1: "1"})) == (35, -14)
    _reconciles(api)


def test_return_of_a_receipt_that_earned_nothing(make_api):
    api = make_api("supermarket")
    # Not activated: a pending member earns nothing (no member benefits yet).
    r = api.post(
        "/members",
        {
            "name": "李雷",
            "phone": "13900139000",
            "id_number": ID,
            "fee_paid": "5.00",
            "joined_at": JOINED,
        },
    )
    mid = r.json()["member_id"]
    assert _buy(api, mid, [_line(1, "2", "35.50")])["points_earned"] == 0
    assert _rev(_ret(api, "RT-1", {1: "2"})) == (0, 0)
    assert _count(api, ledger_entries) == 0


def test_bad_return_bodies(make_api):
    api = make_api("supermarket")
    mid = _member(api)
    _buy(api, mid, [_line(1, "2", "35.50")])
    bad = [
        {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "0"}]},
        {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "-1"}]},
        {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": 1.0}]},
        {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "0.0001"}]},
        {"return_no": "RT-1", "lines": []},
        {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "1"}, {"line_no": 1, "qty": "1"}]},
        {"return_no": "", "lines": [{"line_no": 1, "qty": "1"}]},
        {"lines": [{"line_no": 1, "qty": "1"}]},
        {
            "return_no": "RT-1",
            "occurred_at": "2026-03-29T09:00:00",
            "lines": [{"line_no": 1, "qty": "1"}],
        },
        {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "1"}], "refund": "35.50"},
    ]
    for body in bad:
        r = api.post("/purchases/R-1/returns", body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"], body
    r = api.post(
        "/purchases/" + "R" * 65 + "/returns",
        {"return_no": "RT-1", "lines": [{"line_no": 1, "qty": "1"}]},
    )
    assert r.status_code == 422
    body = {
        "return_no": "RT-1",
        "occurred_at": "2026-03-28T10:14:59+08:00",  # a second before the sale
        "lines": [{"line_no": 1, "qty": "1"}],
    }
    r = api.post("/purchases/R-1/returns", body)
    assert r.status_code == 422
    assert r.json()["code"] == "return_before_sale"
    assert _points(api, mid) == 71
    assert _count(api, ledger_entries) == 1
    assert _count(api, requests) == 1  # the purchase only
