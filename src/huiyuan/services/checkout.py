"""A purchase at the till: price it for the member, say what it earns, and record it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError

from ..domain.calendar import MonthDay, business_date, start_of_day, year_bounds, zone
from ..domain.earning import earn
from ..domain.expiry import expires_at
from ..domain.money import ZERO, fmt
from ..domain.pricing import price_receipt
from ..domain.program import Metric, Program
from ..domain.receipt import Line, MemberContext, PricedLine
from ..domain.tiers import metrics_needed, reached_tier
from ..errors import Conflict, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger
from .context import Context, require_program
from .idempotency import replay
from .inputs import PurchaseIn, body_fingerprint, moment
from .members import resolve_member

NOTE_PENDING = "会员卡尚未开通，不享会员权益 / membership not yet active: no member benefits"
NOTE_LAPSED = "会员资格已过期，按原价结算，请续会 / membership has lapsed: full price; please renew"


@dataclass
class Priced:
    lines: list[PricedLine]
    points: int
    carry: dict[int, Decimal]
    context: MemberContext


def _lines(data: PurchaseIn) -> list[Line]:
    return [
        Line(
            line_no=li.line_no,
            sku=li.sku,
            category=li.category,
            qty=li.qty,
            list_price=li.list_price,
            price=li.unit_price,
            member_price=li.member_price,
            flags=frozenset(li.flags),
            weight_grams=li.weight_grams,
        )
        for li in data.lines
    ]


def _member_context(
    program: Program, row: Row[Any], at: datetime, card_presented: bool
) -> MemberContext:
    return MemberContext(
        tier=row.tier,
        kind=row.kind,
        birthday=MonthDay.parse(row.birthday) if row.birthday else None,
        anniversary=MonthDay.parse(row.anniversary) if row.anniversary else None,
        group_level=row.group_level,
        day=business_date(at, zone(program.timezone)),
        card_presented=card_presented,
    )


def _price(program: Program, row: Row[Any], data: PurchaseIn, at: datetime) -> Priced:
    ctx = _member_context(program, row, at, data.card_presented)
    lines = _lines(data)
    if data.points_to_redeem:
        raise Invalid(
            "本方案不支持积分抵扣 / this program has no points offset at checkout",
            code="offset_not_available",
        )
    if data.vouchers:
        raise Invalid("券不存在 / unknown voucher", code="voucher_not_found")
    blocked = None
    if row.status != "active":
        blocked = NOTE_PENDING
    elif row.valid_until is not None and ctx.day is not None and ctx.day > row.valid_until:
        blocked = NOTE_LAPSED
    if blocked:
        priced = [PricedLine(line=line, gross=line.gross, notes=[blocked]) for line in lines]
        return Priced(priced, 0, {}, ctx)
    priced = price_receipt(program, lines, ctx)
    carry = {int(k): Decimal(v) for k, v in (row.carry or {}).items()}
    result = earn(program, priced, ctx, carry)
    return Priced(priced, result.points, result.carry, ctx)


def _totals(priced: list[PricedLine]) -> dict[str, Decimal]:
    return {
        "list": sum((p.line.list_amount for p in priced), ZERO),
        "member_discount": sum((p.member_discount for p in priced), ZERO),
        "points_offset": sum((p.offset for p in priced), ZERO),
        "vouchers": sum((p.vouchers for p in priced), ZERO),
        "paid": sum((p.paid for p in priced), ZERO),
    }


def _answer(
    data: PurchaseIn,
    member_id: str,
    priced: Priced,
    balance: int,
    tier: str,
    tier_changed: dict[str, str] | None,
) -> dict[str, Any]:
    totals = _totals(priced.lines)
    return {
        "receipt_no": data.receipt_no,
        "member_id": member_id,
        "totals": {k: fmt(v) for k, v in totals.items()},
        "points_earned": priced.points,
        "points_redeemed": 0,
        "balance": balance,
        "tier": tier,
        "tier_changed": tier_changed,
        "lines": [
            {
                "line_no": p.line.line_no,
                "paid": fmt(p.paid),
                "member_discount": fmt(p.member_discount),
                "points": p.points,
                "notes": p.notes,
            }
            for p in priced.lines
        ],
    }


def _check_time(row: Row[Any], at: datetime) -> None:
    if at < row.joined_at:
        raise Invalid(
            "消费时间早于入会时间 / the purchase is dated before the member joined",
            code="not_yet_member",
        )


def quote(ctx: Context, program_code: str, data: PurchaseIn) -> dict[str, Any]:
    at = moment(data.occurred_at, ctx.now())
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        row = resolve_member(uow, stored, data.member_id, data.card_no, lock=False)
        _check_time(row, at)
        priced = _price(stored.program, row, data, at)
        return _answer(data, row.member_id, priced, int(row.points) + priced.points, row.tier, None)


def commit(ctx: Context, program_code: str, data: PurchaseIn) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = body_fingerprint(data)
    try:
        with ctx.uow() as uow:
            stored = require_program(uow, program_code)
            first = replay(uow, stored.program_id, "purchase", data.receipt_no, fingerprint)
            if first is not None:
                return first
            answer = _commit(uow, stored, data, at, now, fingerprint)
            uow.commit()
            return answer
    except IntegrityError:
        # A concurrent request with the same number won the race: answer as it did.
        with ctx.uow(write=False) as uow:
            stored = require_program(uow, program_code)
            first = replay(uow, stored.program_id, "purchase", data.receipt_no, fingerprint)
            if first is None:
                raise Conflict("请重试 / please retry", code="retry") from None
            return first


def _commit(
    uow: UnitOfWork,
    stored: StoredProgram,
    data: PurchaseIn,
    at: datetime,
    now: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    program = stored.program
    tz = zone(program.timezone)
    row = resolve_member(uow, stored, data.member_id, data.card_no, lock=True)
    _check_time(row, at)
    priced = _price(program, row, data, at)
    totals = _totals(priced.lines)
    pid, mid = stored.program_id, row.member_id
    uow.receipts.add(
        {
            "program_id": pid,
            "receipt_no": data.receipt_no,
            "member_id": mid,
            "program_version": stored.version,
            "occurred_at": at,
            "recorded_at": now,
            "business_date": business_date(at, tz),
            "store": data.store,
            "merchant": data.merchant,
            "guide_id": row.guide_id,
            "card_presented": data.card_presented,
            "list_total": totals["list"],
            "discount_total": totals["member_discount"],
            "offset_total": totals["points_offset"],
            "voucher_total": totals["vouchers"],
            "paid_total": totals["paid"],
            "paid_net": totals["paid"],
            "points_earned": priced.points,
            "points_redeemed": 0,
        },
        [
            {
                "program_id": pid,
                "receipt_no": data.receipt_no,
                "line_no": p.line.line_no,
                "sku": p.line.sku,
                "category": p.line.category,
                "flags": sorted(p.line.flags),
                "qty": p.line.qty,
                "list_price": p.line.list_price,
                "price": p.line.price,
                "member_discount": p.member_discount,
                "paid": p.paid,
                "points": p.points,
                "returned_qty": Decimal(0),
                "points_reversed": 0,
            }
            for p in priced.lines
        ],
    )
    if priced.points > 0:
        posting = ledger.Posting(pid, mid, at, now, ref=data.receipt_no, reason="purchase")
        ledger.credit(uow, posting, priced.points, expires_at(program.expiry, at, tz))
    if priced.carry != {int(k): Decimal(v) for k, v in (row.carry or {}).items()}:
        uow.members.update(pid, mid, carry={str(k): str(v) for k, v in priced.carry.items()})
    tier_changed = None
    if row.status == "active":
        new_tier = reached_tier(program, row.tier, _metrics(uow, stored, mid, at, totals["paid"]))
        if new_tier != row.tier:
            tier_changed = {"from": row.tier, "to": new_tier}
            uow.members.update(pid, mid, tier=new_tier, updated_at=now)
            uow.members.record(
                pid,
                mid,
                "tier_changed",
                {**tier_changed, "reason": "purchase", "ref": data.receipt_no},
                None,
                at,
                now,
            )
    after = uow.members.get(pid, mid)
    assert after is not None
    answer = _answer(data, mid, priced, int(after.points), after.tier, tier_changed)
    uow.requests.put(pid, "purchase", data.receipt_no, fingerprint, 201, answer, now)
    return answer


def _metrics(
    uow: UnitOfWork, stored: StoredProgram, member_id: str, at: datetime, paid: Decimal
) -> dict[Metric, Decimal]:
    """The metrics the program's tiers are measured by, including the receipt just recorded."""
    program = stored.program
    tz = zone(program.timezone)
    pid = stored.program_id
    out: dict[Metric, Decimal] = {}
    for metric, days in metrics_needed(program):
        if metric is Metric.CUMULATIVE_SPEND:
            out[metric] = uow.receipts.spend(pid, member_id)[0]
        elif metric is Metric.ANNUAL_SPEND:
            start, end = year_bounds(business_date(at, tz))
            out[metric] = uow.receipts.spend(
                pid, member_id, start_of_day(start, tz), start_of_day(end, tz)
            )[0]
        elif metric is Metric.MEMBERSHIP_YEAR_SPEND:
            row = uow.members.get(pid, member_id)
            assert row is not None
            since = row.joined_at
            if row.valid_until is not None:
                since = max(since, start_of_day(row.valid_until, tz) - timedelta(days=365))
            out[metric] = uow.receipts.spend(pid, member_id, since)[0]
        elif metric in (Metric.WINDOW_SPEND, Metric.WINDOW_ORDERS):
            assert days is not None
            spend, count = uow.receipts.spend(
                pid, member_id, at - timedelta(days=days), at + timedelta(microseconds=1)
            )
            out[metric] = spend if metric is Metric.WINDOW_SPEND else Decimal(count)
        elif metric is Metric.SINGLE_RECEIPT:
            out[metric] = paid
        elif metric is Metric.CUMULATIVE_POINTS:
            row = uow.members.get(pid, member_id)
            assert row is not None
            out[metric] = Decimal(row.points_earned_total)
    return out
