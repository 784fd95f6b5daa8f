"""Stored value's rules (services/stored_value) on the in-memory unit of work: deposits with
rebates and the cards they win, withdrawals that leave later entries covered, paying from
stored value and refunds, numbers answered once. The hand-worked numbers are those of
tests/schemes/test_lifecycle_liquor.py and tests/integration/test_stored_value.py, which run
the same rules on SQLite and PostgreSQL through the API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D
from typing import Any

import pytest

from huiyuan.domain.statuses import MemberStatus
from huiyuan.errors import Conflict, Forbidden, Invalid, NotFound
from huiyuan.services import stored_value
from huiyuan.services.inputs import DepositIn, WithdrawalIn

from ..conftest import Clock
from ..fakes import FakeContext, FakeStore

JOINED = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
AT = "2026-04-01T10:00:00+08:00"


def day(n: int) -> str:
    """10:00 Beijing time on April n, 2026."""
    return f"2026-04-{n:02d}T10:00:00+08:00"


@pytest.fixture
def store() -> FakeStore:
    store = FakeStore()
    liquor = store.add_program("liquor")
    store.add_member(liquor, "U1", JOINED, kind="unit")
    store.add_member(liquor, "U2", JOINED, kind="unit")
    store.add_member(liquor, "P1", JOINED, kind="personal")
    store.add_member(liquor, "C1", JOINED, kind="unit", status=MemberStatus.CANCELLED)
    supermarket = store.add_program("supermarket")
    store.add_member(supermarket, "S1", JOINED)
    return store


@pytest.fixture
def fake(store: FakeStore) -> FakeContext:
    return FakeContext(store, Clock())


def deposit(
    ctx: FakeContext, mid: str, no: str, amount: str, at: str = AT, program: str = "liquor"
) -> dict[str, Any]:
    data = DepositIn.model_validate({"deposit_no": no, "amount": amount, "occurred_at": at})
    return stored_value.deposit(ctx, program, mid, data)


def withdraw(ctx: FakeContext, mid: str, no: str, amount: str, at: str = AT) -> dict[str, Any]:
    data = WithdrawalIn.model_validate({"withdrawal_no": no, "amount": amount, "occurred_at": at})
    return stored_value.withdraw(ctx, "liquor", mid, data)


def pay(ctx: FakeContext, mid: str, receipt_no: str, amount: str, at: str) -> None:
    """The till's part: a purchase of `amount` paid from stored value."""
    with ctx.uow() as uow:
        stored = uow.programs.get("liquor")
        assert stored is not None
        row = uow.members.get(stored.program_id, mid, lock=True)
        assert row is not None
        stored_value.pay(
            uow, stored, row, D(amount), datetime.fromisoformat(at), ctx.now(), receipt_no
        )
        uow.commit()


def refund(ctx: FakeContext, mid: str, receipt_no: str, amount: str, return_no: str) -> D:
    """A return's part: money back for returned lines of a purchase paid from stored value."""
    with ctx.uow() as uow:
        back = stored_value.refund(
            uow, 1, mid, receipt_no, D(amount), datetime.fromisoformat(day(4)), ctx.now(), return_no
        )
        uow.commit()
    return back


def balance(store: FakeStore, mid: str) -> str:
    return f"{store.member(1, mid).stored_value:.2f}"


def refused(call: Any, error: type[Exception], code: str) -> Any:
    with pytest.raises(error) as caught:
        call()
    assert caught.value.code == code  # type: ignore[attr-defined]
    return caught.value


def test_deposits_rebates_and_stored_value_cards(fake, store):
    # 19999.99: below every bracket → no rebate, no card.
    r = deposit(fake, "U1", "D-1", "19999.99")
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("0.00", "19999.99", "regular")
    # 30000.00 → 1% = 300.00 → 储值金卡; 19999.99 + 30000.00 + 300.00 = 50299.99.
    r = deposit(fake, "U1", "D-2", "30000.00")
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("300.00", "50299.99", "sv_gold")
    assert r["tier_changed"] == {"from": "regular", "to": "sv_gold"}
    # 49999.99 → 1% = 499.9999 → 500.00, still 储值金卡 (the deposit, not the balance, decides).
    r = deposit(fake, "U1", "D-3", "49999.99")
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("500.00", "100799.98", "sv_gold")
    # 50000.00 → 1.5% = 750.00 → 储值铂金卡; 100000.00 → 2% = 2000.00 → 储值钻石卡.
    r = deposit(fake, "U1", "D-4", "50000.00")
    assert (r["rebate"], r["tier"]) == ("750.00", "sv_platinum")
    r = deposit(fake, "U1", "D-5", "100000.00")
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("2000.00", "253549.98", "sv_diamond")
    # A smaller deposit later never lowers the card.
    assert deposit(fake, "U1", "D-6", "20000.00")["tier"] == "sv_diamond"
    assert balance(store, "U1") == "273749.98"  # 253549.98 + 20000.00 + 200.00


def test_each_card_a_deposit_wins_is_in_the_history(fake, store):
    for no, amount in (("D-1", "30000.00"), ("D-2", "50000.00"), ("D-3", "100000.00")):
        deposit(fake, "U1", no, amount)
    moves = [h["detail"] for h in store.tables.history if h["kind"] == "tier_changed"]
    assert [(m["from"], m["to"], m["reason"], m["ref"]) for m in moves] == [
        ("regular", "sv_gold", "deposit", "D-1"),
        ("sv_gold", "sv_platinum", "deposit", "D-2"),
        ("sv_platinum", "sv_diamond", "deposit", "D-3"),
    ]


def test_a_personal_card_holds_stored_value_without_rebate_or_card(fake):
    r = deposit(fake, "P1", "D-P", "30000.00")
    assert (r["rebate"], r["stored_value"], r["tier"]) == ("0.00", "30000.00", "regular")
    assert r["tier_changed"] is None


def test_numbers_are_answered_once(fake, store):
    first = deposit(fake, "U1", "D-1", "100.00")
    assert deposit(fake, "U1", "D-1", "100.00") == first
    # The same number for another member, or with another amount, is another request: 409.
    refused(lambda: deposit(fake, "U2", "D-1", "100.00"), Conflict, "number_reused")
    refused(lambda: deposit(fake, "U1", "D-1", "100.01"), Conflict, "number_reused")
    assert withdraw(fake, "U1", "W-1", "50.00")["stored_value"] == "50.00"
    assert withdraw(fake, "U1", "W-1", "50.00")["stored_value"] == "50.00"  # resent
    assert (balance(store, "U1"), balance(store, "U2")) == ("50.00", "0.00")
    assert store.entry_kinds(1, "U1") == ["withdrawal", "deposit"]
    refused(lambda: deposit(fake, "MNOSUCH", "D-Y", "1.00"), NotFound, "member_not_found")
    refused(
        lambda: deposit(fake, "U1", "D-Z", "1.00", program="nosuch"), NotFound, "program_not_found"
    )


def test_a_program_without_stored_value_refuses(fake):
    call = lambda: deposit(fake, "S1", "D-1", "100.00", program="supermarket")  # noqa: E731
    refused(call, Invalid, "stored_value_not_offered")


def test_who_may_deposit_and_when(fake, store):
    refused(
        lambda: deposit(fake, "U1", "D-0", "1.00", "2026-01-05T09:59:59+08:00"),
        Invalid,
        "not_yet_member",
    )
    refused(lambda: deposit(fake, "C1", "D-2", "1.00"), Forbidden, "member_cancelled")
    assert store.tables.stored_value == [] and store.tables.requests == {}


def test_nothing_taken_out_that_a_later_entry_needs(fake, store):
    deposit(fake, "U1", "D-1", "100.00", day(1))
    withdraw(fake, "U1", "W-1", "100.00", day(3))
    deposit(fake, "U1", "D-2", "100.00", day(5))
    # 100.00 is there now, but a withdrawal dated Apr 2 would leave Apr 3's at −100.00.
    error = refused(
        lambda: withdraw(fake, "U1", "W-2", "100.00", day(2)), Invalid, "insufficient_funds"
    )
    assert error.extra == {"wanted": "100.00", "available": "0.00"}
    assert withdraw(fake, "U1", "W-3", "100.00", day(6))["stored_value"] == "0.00"


def test_withdrawals_paying_and_refunds(fake, store):
    deposit(fake, "U1", "D-1", "20000.00")
    # 20000.00 + 1% 200.00 = 20200.00. Taking out 20200.01 is refused, and leaves nothing: the
    # same number may then be used for what the member can take.
    error = refused(lambda: withdraw(fake, "U1", "W-1", "20200.01"), Invalid, "insufficient_funds")
    assert error.extra == {"wanted": "20200.01", "available": "20200.00"}
    assert withdraw(fake, "U1", "W-1", "200.00", day(2))["stored_value"] == "20000.00"
    # A purchase at 储值金卡: 1000.00 − 2% = 980.00 from stored value.
    pay(fake, "U1", "SV-1", "980.00", day(3))
    assert balance(store, "U1") == "19020.00"
    # More than the balance: the till is refused.
    refused(
        lambda: pay(fake, "U1", "SV-2", "19020.01", "2026-04-03T11:00:00+08:00"),
        Invalid,
        "insufficient_funds",
    )
    # Returning the purchase refunds its paid money to stored value.
    assert refund(fake, "U1", "SV-1", "980.00", "RT-1") == D("980.00")
    assert balance(store, "U1") == "20000.00"
    assert store.entry_kinds(1, "U1") == ["refund", "payment", "withdrawal", "rebate", "deposit"]


def test_partial_returns_refund_the_returned_part_and_never_more(fake, store):
    deposit(fake, "U1", "D-1", "1000.00")
    # 3 × 10.00 at 1×: 30.00 − 0.60 = 29.40 paid from stored value.
    pay(fake, "U1", "P-1", "29.40", day(2))
    assert balance(store, "U1") == "970.60"
    assert refund(fake, "U1", "P-1", "9.80", "R-1") == D("9.80")
    assert balance(store, "U1") == "980.40"
    assert refund(fake, "U1", "P-1", "19.60", "R-2") == D("19.60")
    assert balance(store, "U1") == "1000.00"
    # All 29.40 is back: nothing more for this receipt, nothing for one not paid from it.
    assert refund(fake, "U1", "P-1", "1.00", "R-3") == 0
    assert refund(fake, "U1", "P-2", "1.00", "R-4") == 0
    assert balance(store, "U1") == "1000.00"
