"""Returns (退货): claw back exactly the returned lines' points; spend metrics drop too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import cast

from ..domain.earning import carry_after_return
from ..domain.ledger import EntryKind
from ..domain.money import floor_points, fmt, money
from ..domain.program import EarningRule
from ..domain.records.members import Member
from ..domain.records.receipts import Receipt, ReceiptLine
from ..domain.referrals import referral_clawback
from ..errors import Invalid, NotFound
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger, stored_value
from .context import Context
from .idempotency import replay, run_once
from .inputs import ReturnIn, ReturnLineIn, moment
from .outcome import current_class
from .results.till import ReturnAnswer


def return_lines(ctx: Context, program_code: str, receipt_no: str, data: ReturnIn) -> ReturnAnswer:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    # The receipt is in the path, not the body: it is part of what was asked, so the same
    # return_no and body against another receipt is a different request (409), not a resend.
    fingerprint = ctx.fingerprint(data, receipt_no)

    def work(uow: UnitOfWork, stored: StoredProgram) -> ReturnAnswer:
        return _return(uow, stored, receipt_no, data, at, now, fingerprint)

    return run_once(ctx, program_code, "return", data.return_no, fingerprint, work)


@dataclass
class _Back:
    """What the returned lines give back, line by line."""

    points: int = 0  # earned points reversed (lines under a carry-over rule aside)
    refund: int = 0  # points that paid for the returned part, back to the member
    money: Decimal = Decimal(0)  # paid money returned: the receipt's spend drops by it
    carried: dict[int, Decimal] = field(default_factory=dict)  # carry-over rule → money back


def _return(
    uow: UnitOfWork,
    stored: StoredProgram,
    receipt_no: str,
    data: ReturnIn,
    at: datetime,
    now: datetime,
    fingerprint: str,
) -> ReturnAnswer:
    pid = stored.program_id
    found = uow.receipts.get(pid, receipt_no)
    if found is None:
        raise NotFound("没有该小票 / no such receipt", code="receipt_not_found")
    member = uow.members.get(pid, found.member_id, lock=True)
    assert member is not None
    # Under the member lock, look again: a concurrent resend may have committed meanwhile
    # (PostgreSQL). Its answer is the answer; recording it a second time then clashes on the
    # number, and run_once answers from the first.
    first = replay(uow, pid, "return", data.return_no, fingerprint)
    if first is not None:
        return cast(ReturnAnswer, first)
    # The receipt's paid_net and lines as they stand after any concurrent return.
    receipt = uow.receipts.get(pid, receipt_no)
    assert receipt is not None
    if at < receipt.occurred_at:
        raise Invalid(
            "退货时间早于购买时间 / return dated before the sale", code="return_before_sale"
        )
    sold = {line.line_no: line for line in uow.receipts.lines(pid, receipt_no)}
    back = _lines_back(uow, stored, receipt_no, sold, data.lines)
    reversed_points = back.points + _carry_back(uow, stored, member, back.carried)
    total_reversed = receipt.points_reversed + reversed_points
    referral_back = referral_clawback(receipt, total_reversed, _all_returned(sold, data.lines))
    uow.receipts.update(
        pid,
        receipt_no,
        paid_net=receipt.paid_net - back.money,
        points_reversed=total_reversed,
        referral_reversed=receipt.referral_reversed + referral_back,
    )
    _post(uow, receipt, data.return_no, at, now, reversed_points, back.refund, referral_back)
    # Classes kept up to date with every receipt follow returns too (wushang).
    cls = current_class(uow, stored, member, at)
    if cls is not None and cls != member.customer_class:
        uow.members.update(pid, member.member_id, customer_class=cls)
    return _answer(uow, receipt, reversed_points, back, data.return_no, at, now)


def _lines_back(
    uow: UnitOfWork,
    stored: StoredProgram,
    receipt_no: str,
    sold: dict[int, ReceiptLine],
    items: list[ReturnLineIn],
) -> _Back:
    """Records each line's returned quantity and what it gives back, refusing a line the
    receipt does not have or more than is left of it."""
    rules = stored.program.earning.rules
    back = _Back()
    for item in items:
        line = sold.get(item.line_no)
        if line is None:
            raise Invalid(
                f"小票没有第 {item.line_no} 行 / no line {item.line_no}", code="unknown_line"
            )
        returned = line.returned_qty + item.qty
        if returned > line.qty:
            raise Invalid(
                f"第 {item.line_no} 行退货数量超过未退数量 {line.qty - line.returned_qty} / "
                f"return exceeds the quantity sold",
                code="return_exceeds_sold",
            )
        # Cumulative shares, so that returning everything reverses exactly what was earned.
        points_total = floor_points(Decimal(line.points) * returned / line.qty)
        money_back = money(line.paid * returned / line.qty) - money(
            line.paid * line.returned_qty / line.qty
        )
        rule = _carry_over_rule(rules, line.earning_rule)
        if rule is not None:
            # Under a carry-over rule, points follow the running total, not the line.
            back.carried[rule] = back.carried.get(rule, Decimal(0)) + money_back
        else:
            back.points += points_total - line.points_reversed
        refund_total = floor_points(Decimal(line.offset_points) * returned / line.qty)
        back.refund += refund_total - line.offset_points_refunded
        back.money += money_back
        uow.receipts.update_line(
            stored.program_id,
            receipt_no,
            item.line_no,
            returned_qty=returned,
            points_reversed=points_total,
            offset_points_refunded=refund_total,
        )
    return back


def _carry_over_rule(rules: tuple[EarningRule, ...], rule: int | None) -> int | None:
    """The line's earning rule if it carries remainders over to the next receipt."""
    if rule is not None and rule < len(rules) and rules[rule].carry_over:
        return rule
    return None


def _carry_back(
    uow: UnitOfWork, stored: StoredProgram, member: Member, carried: dict[int, Decimal]
) -> int:
    """Money returned under carry-over rules comes off the member's running remainders; the
    points of every step it undoes are reversed."""
    if not carried:
        return 0
    rules = stored.program.earning.rules
    carry = {int(k): Decimal(v) for k, v in (member.carry or {}).items()}
    reversed_points = 0
    for rule, amount in carried.items():
        per = rules[rule].per
        assert per is not None
        steps, carry[rule] = carry_after_return(carry.get(rule, Decimal(0)), per, amount)
        reversed_points += steps * rules[rule].step_points(member.tier)
    uow.members.update(
        stored.program_id, member.member_id, carry={str(k): str(v) for k, v in carry.items()}
    )
    return reversed_points


def _all_returned(sold: dict[int, ReceiptLine], items: list[ReturnLineIn]) -> bool:
    """Whether the receipt is wholly returned once this return is counted."""
    returning = {item.line_no: item.qty for item in items}
    return all(
        line.returned_qty + returning.get(line.line_no, Decimal(0)) >= line.qty
        for line in sold.values()
    )


def _post(
    uow: UnitOfWork,
    receipt: Receipt,
    return_no: str,
    at: datetime,
    now: datetime,
    reversed_points: int,
    refund_points: int,
    referral_back: int,
) -> None:
    """The ledger entries of the return: earned points clawed back, spent points refunded (with
    the expiry of the lots they were drawn from), the referrer's points clawed back."""
    pid, mid, receipt_no = receipt.program_id, receipt.member_id, receipt.receipt_no

    def posting(member_id: str, reason: str) -> ledger.Posting:
        return ledger.Posting(pid, member_id, at, now, ref=return_no, reason=reason)

    if reversed_points > 0:
        source = uow.ledger.entry_by_ref(pid, mid, "earn", receipt_no)
        clawback = posting(mid, f"return of {receipt_no}")
        ledger.clawback(uow, clawback, reversed_points, source.entry_id if source else None)
    if refund_points > 0:
        offset_entry = uow.ledger.entry_by_ref(pid, mid, "offset", receipt_no)
        expiry = ledger.drawn_expiry(uow, offset_entry.entry_id) if offset_entry else None
        refund = posting(mid, f"offset refund for {receipt_no}")
        ledger.credit(
            uow, refund, refund_points, expiry, kind=EntryKind.ADJUST_IN, counts_as_earned=False
        )
    if referral_back > 0 and receipt.referrer_id:
        referrer = receipt.referrer_id
        uow.members.get(pid, referrer, lock=True)
        source = uow.ledger.entry_by_ref(pid, referrer, "bonus", receipt_no)
        theirs = posting(referrer, f"return of referred receipt {receipt_no}")
        ledger.clawback(uow, theirs, referral_back, source.entry_id if source else None)


def _answer(
    uow: UnitOfWork,
    receipt: Receipt,
    reversed_points: int,
    back: _Back,
    return_no: str,
    at: datetime,
    now: datetime,
) -> ReturnAnswer:
    """The points moved and the balance after; a purchase paid from stored value is refunded
    to stored value."""
    pid, mid, receipt_no = receipt.program_id, receipt.member_id, receipt.receipt_no
    after = uow.members.get(pid, mid)
    assert after is not None
    answer: ReturnAnswer = {
        "points_reversed": reversed_points,
        "points_refunded": back.refund,
        "balance": int(after.points),
    }
    if stored_value.paid_from_stored_value(uow, pid, mid, receipt_no) > 0:
        refunded = stored_value.refund(uow, pid, mid, receipt_no, back.money, at, now, return_no)
        after = uow.members.get(pid, mid)
        assert after is not None
        answer["stored_value_refunded"] = fmt(refunded)
        answer["stored_value"] = fmt(after.stored_value)
    return answer
