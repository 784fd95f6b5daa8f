"""Stored value (储值): deposits with rebates and deposit-driven tiers, withdrawals, paying a
purchase from stored value and refunding it, deposit points and referral rewards.

Every movement is an entry in the stored-value ledger (signed Decimal amounts, append-only);
`members.stored_value` moves with it in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from ..domain import stored_value as rules
from ..domain.calendar import add_months, business_date, start_of_day, zone
from ..domain.expiry import expires_at
from ..domain.money import ZERO, fmt
from ..domain.program import Metric, StoredValue
from ..domain.records.members import Member
from ..domain.statuses import MemberStatus
from ..domain.stored_value import Kind
from ..domain.tiers import reached_tier
from ..errors import Forbidden, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger
from .context import Context, require_member, require_program
from .idempotency import run_once
from .inputs import DepositIn, WithdrawalIn, moment
from .results.rewards import (
    Deposited,
    StoredValueLine,
    StoredValueStatement,
    TierMove,
    Withdrawn,
)
from .tier_review import change_tier, tier_as_of

TICK = timedelta(microseconds=1)


def offered(stored: StoredProgram) -> StoredValue:
    config = stored.program.stored_value
    if config is None:
        raise Invalid(
            "本方案不设储值 / this program has no stored value", code="stored_value_not_offered"
        )
    return config


def _member(uow: UnitOfWork, stored: StoredProgram, member_id: str) -> Member:
    row = require_member(uow, stored.program_id, member_id, lock=True)
    if row.status == MemberStatus.CANCELLED:
        raise Forbidden("会员资格已取消 / membership was cancelled", code="member_cancelled")
    return row


def available(uow: UnitOfWork, program_id: int, member_id: str, at: datetime) -> Decimal:
    """What can be taken out at a moment: the balance then, less anything later entries need
    (a withdrawal dated earlier must not leave a later payment short)."""
    then = uow.stored_value.balance_at(program_id, member_id, at)
    later = uow.stored_value.amounts_between(program_id, member_id, at + TICK, None)
    return rules.lowest_after(then, later)


def _require_funds(
    uow: UnitOfWork, program_id: int, member_id: str, amount: Decimal, at: datetime
) -> None:
    have = available(uow, program_id, member_id, at)
    if amount > have:
        raise Invalid(
            f"储值余额不足：需要 {fmt(amount)}，可用 {fmt(have)} / not enough stored value: "
            f"{fmt(amount)} wanted, {fmt(have)} available",
            code="insufficient_funds",
            wanted=fmt(amount),
            available=fmt(have),
        )


def _entry(
    uow: UnitOfWork,
    program_id: int,
    member_id: str,
    kind: Kind,
    amount: Decimal,
    at: datetime,
    now: datetime,
    ref: str,
    reason: str | None = None,
) -> None:
    signed = -amount if kind in rules.NEGATIVE else amount
    uow.stored_value.add(program_id, member_id, kind, signed, at, now, ref, reason)


def deposit(
    ctx: Context, program_code: str, member_id: str, data: DepositIn, actor: str | None = None
) -> Deposited:
    now = ctx.now()
    at = moment(data.occurred_at, now)

    def work(uow: UnitOfWork, stored: StoredProgram) -> Deposited:
        config = offered(stored)
        row = _depositor(uow, stored, config, member_id, at)
        pid, mid = stored.program_id, row.member_id
        rate = config.rebate_rate(data.amount, row.kind)
        rebate = rules.rebate(data.amount, rate)
        _entry(uow, pid, mid, Kind.DEPOSIT, data.amount, at, now, data.deposit_no, "deposit")
        if rebate > 0:
            reason = f"rebate {rate * 100}% of {fmt(data.amount)}"
            _entry(uow, pid, mid, Kind.REBATE, rebate, at, now, data.deposit_no, reason)
        changed = _deposit_tier(uow, stored, row, data, at, now, actor)
        after = require_member(uow, pid, mid)
        return {
            "deposit_no": data.deposit_no,
            "member_id": mid,
            "amount": fmt(data.amount),
            "rebate": fmt(rebate),
            "stored_value": fmt(after.stored_value),
            "tier": after.tier,
            "tier_changed": changed,
        }

    # The member is in the path: the same number and body for another member is a new request.
    fp = ctx.fingerprint(data, member_id)
    return run_once(ctx, program_code, "deposit", data.deposit_no, fp, work)


def _depositor(
    uow: UnitOfWork, stored: StoredProgram, config: StoredValue, member_id: str, at: datetime
) -> Member:
    """The member, locked, if their kind may hold stored value and they had joined by `at`."""
    row = _member(uow, stored, member_id)
    if config.kinds and row.kind not in config.kinds:
        raise Invalid(
            f"该类会员不能储值 / {row.kind} members cannot hold stored value",
            code="stored_value_not_offered",
        )
    if at < row.joined_at:
        raise Invalid(
            "储值时间早于入会时间 / the deposit is dated before the member joined",
            code="not_yet_member",
        )
    return row


def _deposit_tier(
    uow: UnitOfWork,
    stored: StoredProgram,
    row: Member,
    data: DepositIn,
    at: datetime,
    now: datetime,
    actor: str | None,
) -> TierMove | None:
    """Moves an active member to the tier the deposit and the balance after it reach."""
    pid = stored.program_id
    balance = uow.stored_value.balance_at(pid, row.member_id, at)
    metrics = {Metric.DEPOSIT: data.amount, Metric.STORED_VALUE: balance}
    new_tier = reached_tier(stored.program, row.tier, metrics, kind=row.kind)
    if new_tier == row.tier or row.status != MemberStatus.ACTIVE:
        return None
    detail = {"ref": data.deposit_no, "amount": fmt(data.amount)}
    change_tier(uow, pid, row.member_id, row.tier, new_tier, "deposit", at, now, actor, **detail)
    moved: TierMove = {"from": row.tier, "to": new_tier}
    return moved


def withdraw(ctx: Context, program_code: str, member_id: str, data: WithdrawalIn) -> Withdrawn:
    now = ctx.now()
    at = moment(data.occurred_at, now)

    def work(uow: UnitOfWork, stored: StoredProgram) -> Withdrawn:
        offered(stored)
        row = _member(uow, stored, member_id)
        pid, mid = stored.program_id, row.member_id
        _require_funds(uow, pid, mid, data.amount, at)
        _entry(uow, pid, mid, Kind.WITHDRAWAL, data.amount, at, now, data.withdrawal_no)
        after = require_member(uow, pid, mid)
        return {
            "withdrawal_no": data.withdrawal_no,
            "member_id": mid,
            "amount": fmt(data.amount),
            "stored_value": fmt(after.stored_value),
        }

    # The member is in the path: the same number and body for another member is a new request.
    fp = ctx.fingerprint(data, member_id)
    return run_once(ctx, program_code, "withdrawal", data.withdrawal_no, fp, work)


def entries(ctx: Context, program_code: str, member_id: str) -> StoredValueStatement:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id)
        found = uow.stored_value.entries(stored.program_id, member_id)
    tz = zone(stored.program.timezone)
    items: list[StoredValueLine] = [
        {
            "entry_id": e.entry_id,
            "kind": e.kind.value,
            "amount": fmt(e.amount),
            "occurred_at": e.occurred_at.astimezone(tz).isoformat(),
            "recorded_at": e.recorded_at.astimezone(tz).isoformat(),
            "ref": e.ref,
            "reason": e.reason,
        }
        for e in found
    ]
    return {"stored_value": fmt(row.stored_value), "items": items}


# ----------------------------------------------------------------------------- at the till


def check_payment(
    uow: UnitOfWork, stored: StoredProgram, row: Member, amount: Decimal, at: datetime
) -> None:
    """Refuses a purchase paid from stored value the program does not offer or the balance
    cannot cover (quote and commit alike)."""
    config = offered(stored)
    if not config.pay_purchases:
        raise Invalid(
            "本方案储值不能用于购物 / stored value cannot pay purchases here",
            code="stored_value_not_offered",
        )
    _require_funds(uow, stored.program_id, row.member_id, amount, at)


def pay(
    uow: UnitOfWork,
    stored: StoredProgram,
    row: Member,
    amount: Decimal,
    at: datetime,
    now: datetime,
    receipt_no: str,
) -> None:
    check_payment(uow, stored, row, amount, at)
    if amount > 0:
        _entry(uow, stored.program_id, row.member_id, Kind.PAYMENT, amount, at, now, receipt_no)


def paid_from_stored_value(
    uow: UnitOfWork, program_id: int, member_id: str, receipt_no: str
) -> Decimal:
    entry = uow.stored_value.by_ref(program_id, member_id, Kind.PAYMENT, receipt_no)
    return -entry.amount if entry is not None else ZERO


def refund(
    uow: UnitOfWork,
    program_id: int,
    member_id: str,
    receipt_no: str,
    amount: Decimal,
    at: datetime,
    now: datetime,
    return_no: str,
) -> Decimal:
    """Money back to stored value for returned lines of a purchase paid from it (never more
    than the purchase took)."""
    paid = paid_from_stored_value(uow, program_id, member_id, receipt_no)
    if paid <= 0 or amount <= 0:
        return ZERO
    before = uow.stored_value.sum_of(program_id, member_id, Kind.REFUND, f"{receipt_no}#")
    amount = min(amount, paid - before)
    if amount <= 0:
        return ZERO
    reason = f"refund for returned lines of {receipt_no}"
    _entry(
        uow,
        program_id,
        member_id,
        Kind.REFUND,
        amount,
        at,
        now,
        f"{receipt_no}#{return_no}",
        reason,
    )
    return amount


# ----------------------------------------------------------------------------- monthly


def complete_months(
    uow: UnitOfWork, stored: StoredProgram, member_id: str, as_of: datetime
) -> list[tuple[datetime, datetime, str]]:
    """Every calendar month from the member's first stored-value entry that ended by as_of:
    (start, end, "YYYY-MM")."""
    first = uow.stored_value.first_moment(stored.program_id, member_id)
    if first is None:
        return []
    tz = zone(stored.program.timezone)
    this_month = business_date(as_of, tz).replace(day=1)
    last = add_months(this_month, -1)
    out = []
    for month in rules.months_between(business_date(first, tz), last):
        out.append(
            (
                start_of_day(month, tz),
                start_of_day(add_months(month, 1), tz),
                rules.month_ref(month),
            )
        )
    return out


def accrue(
    uow: UnitOfWork, stored: StoredProgram, member_id: str, as_of: datetime, now: datetime
) -> int:
    """Credits deposit points for every ended month not credited yet (dated as_of)."""
    config = offered(stored)
    rule = config.accrual
    assert rule is not None
    pid = stored.program_id
    tz = zone(stored.program.timezone)
    months = complete_months(uow, stored, member_id, as_of)
    done = uow.lifecycle.ledger_refs(pid, member_id, "earn", "accrual:")
    todo = [m for m in months if f"accrual:{m[2]}" not in done]
    moves = uow.stored_value.moves(pid, member_id)
    lows = rules.monthly_lows(moves, [(start, end) for start, end, _ in todo])
    total = 0
    for (_, _, label), low in zip(todo, lows, strict=True):
        points = rules.accrual_points(low, rule)
        if points <= 0:
            continue
        ref = f"accrual:{label}"
        reason = f"deposit points for {label}: lowest balance {fmt(low)}"
        posting = ledger.Posting(pid, member_id, as_of, now, ref=ref, reason=reason)
        ledger.credit(uow, posting, points, expires_at(stored.program.expiry, as_of, tz))
        total += points
    return total


def settle(
    uow: UnitOfWork, stored: StoredProgram, referrer_id: str, as_of: datetime, now: datetime
) -> Decimal:
    """Credits the referrer's reward, as stored value, for each ended month and each directly
    referred client, at the referrer's tier on the 1st of that month (dated as_of)."""
    config = offered(stored)
    rule = config.referral_reward
    assert rule is not None
    program = stored.program
    pid = stored.program_id
    done = uow.stored_value.refs(pid, referrer_id, Kind.REWARD, "referral:")
    events = uow.lifecycle.tier_events(pid, referrer_id)
    total = ZERO
    for client in uow.lifecycle.referred(pid, referrer_id, as_of):
        cid = client.member_id
        months = complete_months(uow, stored, cid, as_of)
        todo = [m for m in months if f"referral:{m[2]}:{cid}" not in done]
        moves = uow.stored_value.moves(pid, cid)
        lows = rules.monthly_lows(moves, [(start, end) for start, end, _ in todo])
        for (start, _, label), held in zip(todo, lows, strict=True):
            tier = tier_as_of(uow, program, pid, referrer_id, start, events)
            rate = rule.rates.get(tier)
            if rate is None:
                continue
            amount = rules.reward(held, rate, rule)
            if amount <= 0:
                continue
            ref = f"referral:{label}:{cid}"
            reason = f"referral reward {label}: {cid} held {fmt(held)}, {tier} {rate * 100}%"
            _entry(uow, pid, referrer_id, Kind.REWARD, amount, as_of, now, ref, reason)
            total += amount
    return total
