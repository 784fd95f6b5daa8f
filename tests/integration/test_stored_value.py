"""Stored value (储值): its own append-only Decimal ledger, members.stored_value a projection of
it that `verify` reconciles; deposits and withdrawals idempotent by their numbers; nothing taken
out that a later entry needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from huiyuan.services.verify import verify
from huiyuan.store.schema import members
from tests.schemes.lifecycle_kit import buy, enroll, line, verify_clean

AT = "2026-04-01T10:00:00+08:00"


def deposit(api: Any, mid: str, no: str, amount: Any, at: str = AT) -> Any:
    return api.post(
        f"/members/{mid}/deposits", {"deposit_no": no, "amount": amount, "occurred_at": at}
    )


def withdraw(api: Any, mid: str, no: str, amount: str, at: str = AT) -> Any:
    return api.post(
        f"/members/{mid}/withdrawals", {"withdrawal_no": no, "amount": amount, "occurred_at": at}
    )


def test_verify_reconciles_the_projection(make_api):
    api = make_api("liquor")
    u = enroll(api, kind="unit")
    assert deposit(api, u, "D-1", "50000.00").json()["stored_value"] == "50750.00"
    buy(api, u, "P-1", "2026-04-02T10:00:00+08:00", line(1, "100.00"), pay_with_stored_value=True)
    assert withdraw(api, u, "W-1", "0.01", "2026-04-03T10:00:00+08:00").status_code == 201
    verify_clean(api)
    # 50750.00 − 96.00 (2× = 4% off 100.00) − 0.01 = 50653.99.
    assert api.get(f"/members/{u}").json()["stored_value"] == "50653.99"
    assert api.get(f"/members/{u}/balance").json()["stored_value"] == "50653.99"
    # A projection that drifts from its entries is reported.
    with api.ctx.engine.begin() as conn:
        conn.execute(update(members).where(members.c.member_id == u).values(stored_value=1))
    report = verify(api.ctx, "liquor")
    assert not report.ok
    assert any("stored value 1.00" in p and "50653.99" in p for p in report.problems)


def test_numbers_amounts_and_programs(make_api):
    api = make_api("liquor")
    u, v = enroll(api, kind="unit"), enroll(api, kind="unit")
    first = deposit(api, u, "D-1", "100.00").json()
    assert deposit(api, u, "D-1", "100.00").json() == first
    # The same number for another member, or with another amount, is another request: 409.
    assert deposit(api, v, "D-1", "100.00").status_code == 409
    assert deposit(api, u, "D-1", "100.01").status_code == 409
    assert withdraw(api, u, "W-1", "50.00").json()["stored_value"] == "50.00"
    assert withdraw(api, u, "W-1", "50.00").json()["stored_value"] == "50.00"  # resent
    for bad in ("0.00", "-1.00", "1.001", 1.5, "abc", "100000000.01"):
        assert deposit(api, u, "D-X", bad).status_code == 422
    assert deposit(api, "MNOSUCH", "D-Y", "1.00").status_code == 404
    assert api.get(f"/members/{u}").json()["stored_value"] == "50.00"
    other = api.client.post(
        "/api/v1/programs/nosuch/members/x/deposits",
        json={"deposit_no": "D-1", "amount": "1.00"},
        headers={"Authorization": f"Bearer {api.token('admin')}"},
    )
    assert other.status_code == 404
    verify_clean(api)


def test_a_program_without_stored_value_refuses(make_api):
    api = make_api("supermarket")
    mid = enroll(api, id_number="11010519491231002X", qualifying_spend="50.00")
    r = deposit(api, mid, "D-1", "100.00")
    assert r.status_code == 422 and r.json()["code"] == "stored_value_not_offered"


def test_nothing_taken_out_that_a_later_entry_needs(make_api):
    api = make_api("liquor")
    u = enroll(api, kind="unit")
    deposit(api, u, "D-1", "100.00", "2026-04-01T10:00:00+08:00")
    assert withdraw(api, u, "W-1", "100.00", "2026-04-03T10:00:00+08:00").status_code == 201
    deposit(api, u, "D-2", "100.00", "2026-04-05T10:00:00+08:00")
    # 100.00 is there now, but a withdrawal dated Apr 2 would leave Apr 3's at −100.00.
    r = withdraw(api, u, "W-2", "100.00", "2026-04-02T10:00:00+08:00")
    assert r.status_code == 422 and r.json()["code"] == "insufficient_funds"
    assert r.json()["available"] == "0.00"
    assert withdraw(api, u, "W-3", "100.00", "2026-04-06T10:00:00+08:00").status_code == 201
    verify_clean(api)


def test_partial_returns_refund_the_returned_part(make_api):
    api = make_api("liquor")
    u = enroll(api, kind="unit")
    deposit(api, u, "D-1", "1000.00")
    # 3 × 10.00 at 1×: 30.00 − 0.60 = 29.40 paid from stored value.
    r = buy(
        api,
        u,
        "P-1",
        "2026-04-02T10:00:00+08:00",
        line(1, "10.00", qty="3"),
        pay_with_stored_value=True,
    )
    assert r["stored_value"] == "970.60"
    for no, back, left in (("R-1", "9.80", "980.40"), ("R-2", "19.60", "1000.00")):
        qty = "1" if no == "R-1" else "2"
        r = api.post(
            "/purchases/P-1/returns",
            {
                "return_no": no,
                "occurred_at": "2026-04-03T10:00:00+08:00",
                "lines": [{"line_no": 1, "qty": qty}],
            },
        )
        assert (r.json()["stored_value_refunded"], r.json()["stored_value"]) == (back, left)
    verify_clean(api)


def test_voluntary_exit_after_the_money_is_paid_out(make_api):
    api = make_api("liquor")
    u = enroll(api, kind="unit")
    deposit(api, u, "D-1", "100.00")
    r = api.post(f"/members/{u}/cancel", {"reason": "voluntary", "occurred_at": AT})
    assert r.status_code == 422 and r.json()["code"] == "stored_value_remaining"
    assert withdraw(api, u, "W-1", "100.00").status_code == 201
    r = api.post(f"/members/{u}/cancel", {"reason": "voluntary", "occurred_at": AT})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    # A cancelled member takes no deposits.
    r = deposit(api, u, "D-2", "1.00")
    assert r.status_code == 403 and r.json()["code"] == "member_cancelled"
    verify_clean(api)
