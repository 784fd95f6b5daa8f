"""Many clients spending at once: threads call the services against SQLite (writers
serialised by BEGIN IMMEDIATE and a busy timeout) and PostgreSQL (row locks on the member, a
guarded UPDATE on the stock row).

After each race: no balance below zero, no stock below zero, every accepted redemption recorded
exactly once (a row, a ledger entry), every refusal with its code, and `verify` clean.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from huiyuan.domain.program import Program
from huiyuan.errors import HuiyuanError
from huiyuan.presets.loader import load_preset
from huiyuan.services import checkout, members, perks, programs, redemptions
from huiyuan.services.context import Context
from huiyuan.services.inputs import (
    EntitlementUseIn,
    LotteryDrawIn,
    MemberIn,
    PurchaseIn,
    RedemptionIn,
    TransferIn,
)
from huiyuan.services.verify import verify
from huiyuan.store.schema import entitlement_uses, ledger_entries, reward_stock
from huiyuan.store.schema import redemptions as redemptions_table
from tests.conftest import Clock, load_preset_into

ID = "11010519491231002X"
EARNED = "2026-03-01T10:00:00+08:00"
SPENT = "2026-03-02T10:00:00+08:00"
CLIENTS = 12


def race(calls: list[Callable[[], dict[str, Any]]]) -> list[tuple[str, Any]]:
    """Runs the calls in threads released together: ("ok", answer) or ("refused", code)."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], dict[str, Any]]) -> tuple[str, Any]:
        start.wait()
        try:
            return ("ok", call())
        except HuiyuanError as exc:
            return ("refused", exc.code)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def enroll(ctx: Context, program: str, phone: str, store: str | None = None) -> str:
    data = MemberIn.model_validate(
        {
            "name": "并发",
            "phone": phone,
            "id_number": ID,
            "store": store,
            "joined_at": "2026-01-05T10:00:00+08:00",
        }
    )
    return str(members.enroll(ctx, program, data)["member_id"])


def earn(
    ctx: Context, program: str, member_id: str, receipt_no: str, amount: str, category: str
) -> int:
    data = PurchaseIn.model_validate(
        {
            "receipt_no": receipt_no,
            "member_id": member_id,
            "occurred_at": EARNED,
            "lines": [
                {"line_no": 1, "sku": "S", "category": category, "qty": "1", "list_price": amount}
            ],
        }
    )
    return int(checkout.commit(ctx, program, data)["balance"])


def redeem_call(
    ctx: Context, program: str, member_id: str, no: str, reward: str
) -> Callable[[], dict[str, Any]]:
    data = RedemptionIn.model_validate(
        {
            "redemption_no": no,
            "member_id": member_id,
            "reward": reward,
            "occurred_at": SPENT,
            "id_checked": True,  # jewelry: staff check the card and ID before a redemption
        }
    )
    return lambda: redemptions.redeem(ctx, program, data, "test")


def recorded(ctx: Context) -> dict[str, tuple[str, int]]:
    """redemption_no → (member, points) of every stored redemption, and each one's entries."""
    with ctx.engine.connect() as conn:
        rows = list(conn.execute(select(redemptions_table)))
        refs: dict[str, int] = dict(
            conn.execute(
                select(ledger_entries.c.ref, func.count())
                .where(ledger_entries.c.kind == "redeem")
                .group_by(ledger_entries.c.ref)
            ).all()
        )
    assert len({r.redemption_no for r in rows}) == len(rows)
    for r in rows:
        assert refs.get(r.redemption_no) == 1, (
            f"{r.redemption_no}: {refs.get(r.redemption_no)} entries"
        )
    return {r.redemption_no: (r.member_id, int(r.points)) for r in rows}


def balances(ctx: Context, program: str, member_ids: list[str]) -> dict[str, int]:
    with ctx.uow(write=False) as uow:
        stored = uow.programs.get(program)
        assert stored is not None
        out = {}
        for mid in member_ids:
            row = uow.members.get(stored.program_id, mid)
            assert row is not None
            out[mid] = int(row.points)
        return out


def stock_left(ctx: Context, reward: str) -> int:
    with ctx.engine.connect() as conn:
        return int(
            conn.execute(
                select(reward_stock.c.remaining).where(reward_stock.c.reward == reward)
            ).scalar_one()
        )


def test_one_members_points_and_a_gifts_last_units_under_many_clients(
    ctx: Context, clock: Clock
) -> None:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    load_preset_into(ctx, "jewelry")

    # 1. One member, 950 points (silver_one_price 1000.00 at 95折 → 950.00 → 1 per 1.00), twelve
    #    clients each redeeming the 300-point care kit: exactly 3 fit (900), 9 are refused.
    one = enroll(ctx, "jewelry", "13800138000")
    assert earn(ctx, "jewelry", one, "E0", "1000.00", "silver_one_price") == 950
    calls = [redeem_call(ctx, "jewelry", one, f"K{i}", "cleaning_kit") for i in range(CLIENTS)]
    results = race(calls)
    accepted = {a["redemption_no"] for kind, a in results if kind == "ok"}
    assert (
        sorted(code for kind, code in results if kind == "refused") == ["insufficient_points"] * 9
    )
    assert len(accepted) == 3
    assert balances(ctx, "jewelry", [one]) == {one: 50}
    assert stock_left(ctx, "cleaning_kit") == 50 - 3
    assert {no for no, (mid, pts) in recorded(ctx).items() if mid == one and pts == 300} == accepted

    # 2. Twelve members with 950 points each, all at once after the last units of the silver
    #    pendant (800 points, stock 10, never redeemed before: its stock row is created by the
    #    first redemption): exactly 10 get one, 2 are told it is out of stock.
    many = [enroll(ctx, "jewelry", f"139001390{i:02d}") for i in range(CLIENTS)]
    for i, mid in enumerate(many):
        assert earn(ctx, "jewelry", mid, f"E{i + 1}", "1000.00", "silver_one_price") == 950
    results = race(
        [redeem_call(ctx, "jewelry", mid, f"P{i}", "silver_pendant") for i, mid in enumerate(many)]
    )
    winners = {a["redemption_no"] for kind, a in results if kind == "ok"}
    assert sorted(code for kind, code in results if kind == "refused") == ["out_of_stock"] * 2, (
        results
    )
    assert len(winners) == 10
    assert stock_left(ctx, "silver_pendant") == 0
    after = balances(ctx, "jewelry", many)
    assert sorted(after.values()) == [150] * 10 + [950] * 2
    assert {no for no, (_, pts) in recorded(ctx).items() if pts == 800} == winners

    # 3. One redemption number sent by twelve clients at once (a till retrying): recorded once,
    #    every client gets the same answer.
    again = enroll(ctx, "jewelry", "13700137000")
    assert earn(ctx, "jewelry", again, "E99", "1000.00", "silver_one_price") == 950
    results = race(
        [redeem_call(ctx, "jewelry", again, "SAME", "jewelry_box") for _ in range(CLIENTS)]
    )
    assert {kind for kind, _ in results} == {"ok"}, results
    assert len({repr(sorted(a.items())) for _, a in results}) == 1
    assert recorded(ctx)["SAME"] == (again, 150)
    assert balances(ctx, "jewelry", [again]) == {again: 800}

    report = verify(ctx)
    assert report.ok, report.problems


def test_spending_and_transfers_crossing_between_two_members(ctx: Context, clock: Clock) -> None:
    """vip_points: two members spend by redemption, by offset at checkout and by transfers to
    each other, all at once. Transfers lock both members in one order, so crossing transfers
    never deadlock; nothing goes below zero; the ledger reconciles."""
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    load_preset_into(ctx, "vip_points")
    a = enroll(ctx, "vip_points", "13800138000")
    b = enroll(ctx, "vip_points", "13900139000")
    # 100000.00 × 0.95 = 95000.00 → 950 points each (1 per full 100.00 at 普通).
    assert earn(ctx, "vip_points", a, "EA", "100000.00", "goods") == 950
    assert earn(ctx, "vip_points", b, "EB", "100000.00", "goods") == 950

    def transfer(no: str, src: str, dst: str, points: int) -> Callable[[], dict[str, Any]]:
        data = TransferIn.model_validate(
            {
                "transfer_no": no,
                "from_member": src,
                "to_member": dst,
                "points": points,
                "occurred_at": SPENT,
            }
        )
        return lambda: redemptions.transfer(ctx, "vip_points", data)

    def offset(no: str, mid: str) -> Callable[[], dict[str, Any]]:
        # 1000.00 at 白金卡 (20% off: both are 白金卡 now) = 800.00; 200 points pay 20.00.
        data = PurchaseIn.model_validate(
            {
                "receipt_no": no,
                "member_id": mid,
                "occurred_at": SPENT,
                "points_to_redeem": 200,
                "lines": [{"line_no": 1, "sku": "S", "qty": "1", "list_price": "1000.00"}],
            }
        )
        return lambda: checkout.commit(ctx, "vip_points", data)

    calls: list[Callable[[], dict[str, Any]]] = []
    for i in range(3):
        calls += [
            transfer(f"TA{i}", a, b, 250),
            transfer(f"TB{i}", b, a, 250),
            redeem_call(ctx, "vip_points", a, f"XA{i}", "umbrella"),
            offset(f"OB{i}", b),
        ]
    results = race(calls)
    assert {kind for kind, _ in results} <= {"ok", "refused"}
    assert {code for kind, code in results if kind == "refused"} <= {"insufficient_points"}, results
    after = balances(ctx, "vip_points", [a, b])
    assert min(after.values()) >= 0
    # Each offset receipt earns: 800.00 − 20.00 = 780.00 → 7 steps × 3 (白金卡) = 21 points.
    # Every point is accounted for: 1900 earned + 21 per receipt − what was spent.
    spent = 0
    earned = 0
    for kind, answer in results:
        if kind == "ok" and "redemption_no" in answer:
            spent += answer["points"]
        elif kind == "ok" and "receipt_no" in answer:
            spent += answer["points_redeemed"]
            earned += answer["points_earned"]
    assert sum(after.values()) == 1900 + earned - spent

    # One transfer number sent by twelve clients at once: moved once, the same answer to all.
    before = balances(ctx, "vip_points", [a, b])
    results = race([transfer("SAME", a, b, 10) for _ in range(CLIENTS)])
    assert {kind for kind, _ in results} == {"ok"}, results
    assert len({repr(sorted(answer.items())) for _, answer in results}) == 1
    assert balances(ctx, "vip_points", [a, b]) == {a: before[a] - 10, b: before[b] + 10}
    with ctx.engine.connect() as conn:
        legs = conn.execute(select(ledger_entries.c.kind).where(ledger_entries.c.ref == "SAME"))
        assert sorted(legs.scalars()) == ["transfer_in", "transfer_out"]
    report = verify(ctx)
    assert report.ok, report.problems


def test_lottery_prizes_and_entitlement_uses_under_many_clients(ctx: Context, clock: Clock) -> None:
    """haoping with a sure win (白银 rate 1) and 3 prizes left, drawn by 6 members at once: 3 get a
    prize, 3 win nothing (out of stock, noted), all pay 100 points. Then one draw number and one
    entitlement use number, each sent by many clients at once: recorded once."""
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    data = load_preset("haoping").model_dump(mode="json")
    data["code"] = "haoping_sure"
    data["lottery"]["win_rates"]["silver"] = "1"
    data["rewards"]["catalogue"][0]["stock"] = 3
    programs.load(ctx, Program.model_validate(data), None, "test", replace=False)
    players = [enroll(ctx, "haoping_sure", f"139001390{i:02d}") for i in range(6)]
    for i, mid in enumerate(players):
        # 5000.00 → 5000 points and 白银.
        assert earn(ctx, "haoping_sure", mid, f"E{i}", "5000.00", "fruit") == 5000

    def draw(mid: str, no: str) -> Callable[[], dict[str, Any]]:
        body = LotteryDrawIn.model_validate({"draw_no": no, "occurred_at": SPENT})
        return lambda: perks.draw(ctx, "haoping_sure", mid, body)

    results = race([draw(mid, f"D{i}") for i, mid in enumerate(players)])
    assert {kind for kind, _ in results} == {"ok"}, results
    prizes = sorted(str(a["prize"]) for _, a in results)
    assert prizes == ["None"] * 3 + ["apple_gift_box"] * 3
    assert sum(1 for _, a in results if a["note"]) == 3
    assert stock_left(ctx, "apple_gift_box") == 0
    assert set(balances(ctx, "haoping_sure", players).values()) == {4900}

    results = race([draw(players[0], "SAME") for _ in range(CLIENTS)])
    assert {kind for kind, _ in results} == {"ok"}, results
    assert len({repr(sorted(a.items())) for _, a in results}) == 1
    assert balances(ctx, "haoping_sure", players[:1]) == {players[0]: 4800}

    # An unlimited service (counter's pressing and alterations), one use number, many clients.
    load_preset_into(ctx, "counter")
    holder = MemberIn.model_validate(
        {"name": "并发", "phone": "13800138000", "id_number": ID, "address": "北京市朝阳区"}
    )
    mid = str(members.enroll(ctx, "counter", holder)["member_id"])
    use = EntitlementUseIn.model_validate({"use_no": "U1", "occurred_at": SPENT})
    call = lambda: perks.use_entitlement(ctx, "counter", mid, "pressing_alterations", use, "t")  # noqa: E731
    results = race([call for _ in range(CLIENTS)])
    assert {kind for kind, _ in results} == {"ok"}, results
    with ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(entitlement_uses)).scalar_one() == 1
    report = verify(ctx)
    assert report.ok, report.problems
