"""Returns (退货): claw back exactly the returned lines' points; spend metrics drop too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.earning import carry_after_return
from ..domain.ledger import EntryKind
from ..domain.money import floor_points, fmt, money
from ..errors import Invalid, NotFound
from . import ledger, stored_value
from .checkout import current_class
from .context import Context, require_program
from .idempotency import replay
from .inputs import ReturnIn, moment


def return_lines(
    ctx: Context, program_code: str, receipt_no: str, data: ReturnIn
) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    # The receipt is in the path, not the body: it is part of what was asked, so the same
    # return_no and body against another receipt is a different request (409), not a resend.
    fingerprint = ctx.fingerprint(data, receipt_no)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        first = replay(uow, pid, "return", data.return_no, fingerprint)
        if first is not None:
            return first
        receipt = uow.receipts.get(pid, receipt_no)
        if receipt is None:
            raise NotFound("没有该小票 / no such receipt", code="receipt_not_found")
        member = uow.members.get(pid, receipt.member_id, lock=True)
        assert member is not None
        # Under the member lock, look again: a concurrent resend may have committed meanwhile
        # (PostgreSQL), and the receipt's paid_net must be read after any concurrent return.
        first = replay(uow, pid, "return", data.return_no, fingerprint)
        if first is not None:
            return first
        receipt = uow.receipts.get(pid, receipt_no)
        assert receipt is not None
        if at < receipt.occurred_at:
            raise Invalid(
                "退货时间早于购买时间 / return dated before the sale", code="return_before_sale"
            )
        sold = {line.line_no: line for line in uow.receipts.lines(pid, receipt_no)}
        reversed_points = 0
        refund_points = 0
        money_back = Decimal(0)
        rules = stored.program.earning.rules
        carried_back: dict[int, Decimal] = {}  # carry-over rule → money returned under it
        for item in data.lines:
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
            paid_total = money(line.paid * returned / line.qty)
            paid_before = money(line.paid * line.returned_qty / line.qty)
            rule = line.earning_rule
            if rule is not None and rule < len(rules) and rules[rule].carry_over:
                # Under a carry-over rule, points follow the running total, not the line.
                carried_back[rule] = carried_back.get(rule, Decimal(0)) + (paid_total - paid_before)
            else:
                reversed_points += points_total - line.points_reversed
            # Points that paid for the returned part go back to the member.
            refund_total = floor_points(Decimal(line.offset_points) * returned / line.qty)
            refund_points += refund_total - line.offset_points_refunded
            money_back += paid_total - paid_before
            uow.receipts.update_line(
                pid,
                receipt_no,
                item.line_no,
                returned_qty=returned,
                points_reversed=points_total,
                offset_points_refunded=refund_total,
            )
        if carried_back:
            carry = {int(k): Decimal(v) for k, v in (member.carry or {}).items()}
            for rule, amount in carried_back.items():
                per = rules[rule].per
                assert per is not None
                steps, carry[rule] = carry_after_return(carry.get(rule, Decimal(0)), per, amount)
                reversed_points += steps * rules[rule].step_points(member.tier)
            uow.members.update(
                pid, member.member_id, carry={str(k): str(v) for k, v in carry.items()}
            )
        total_reversed = receipt.points_reversed + reversed_points
        referral_back = _referral_reversal(receipt, total_reversed, sold, data)
        uow.receipts.update(
            pid,
            receipt_no,
            paid_net=receipt.paid_net - money_back,
            points_reversed=total_reversed,
            referral_reversed=receipt.referral_reversed + referral_back,
        )
        if reversed_points > 0:
            source = uow.ledger.entry_by_ref(pid, receipt.member_id, "earn", receipt_no)
            posting = ledger.Posting(
                pid,
                receipt.member_id,
                at,
                now,
                ref=data.return_no,
                reason=f"return of {receipt_no}",
            )
            ledger.clawback(uow, posting, reversed_points, source.entry_id if source else None)
        if refund_points > 0:
            offset_entry = uow.ledger.entry_by_ref(pid, receipt.member_id, "offset", receipt_no)
            expiry = ledger.drawn_expiry(uow, offset_entry.entry_id) if offset_entry else None
            posting = ledger.Posting(
                pid,
                receipt.member_id,
                at,
                now,
                ref=data.return_no,
                reason=f"offset refund for {receipt_no}",
            )
            ledger.credit(
                uow,
                posting,
                refund_points,
                expiry,
                kind=EntryKind.ADJUST_IN,
                counts_as_earned=False,
            )
        if referral_back > 0 and receipt.referrer_id:
            uow.members.get(pid, receipt.referrer_id, lock=True)
            source = uow.ledger.entry_by_ref(pid, receipt.referrer_id, "bonus", receipt_no)
            posting = ledger.Posting(
                pid,
                receipt.referrer_id,
                at,
                now,
                ref=data.return_no,
                reason=f"return of referred receipt {receipt_no}",
            )
            ledger.clawback(uow, posting, referral_back, source.entry_id if source else None)
        # Classes kept up to date with every receipt follow returns too (wushang).
        cls = current_class(uow, stored, member, at)
        if cls is not None and cls != member.customer_class:
            uow.members.update(pid, member.member_id, customer_class=cls)
        after = uow.members.get(pid, receipt.member_id)
        assert after is not None
        answer: dict[str, Any] = {
            "points_reversed": reversed_points,
            "points_refunded": refund_points,
            "balance": int(after.points),
        }
        # issue 5: a purchase paid from stored value is refunded to stored value.
        if stored_value.paid_from_stored_value(uow, pid, receipt.member_id, receipt_no) > 0:
            back = stored_value.refund(
                uow, pid, receipt.member_id, receipt_no, money_back, at, now, data.return_no
            )
            after = uow.members.get(pid, receipt.member_id)
            assert after is not None
            answer.update(stored_value_refunded=fmt(back), stored_value=fmt(after.stored_value))
        uow.requests.put(pid, "return", data.return_no, fingerprint, 201, answer, now)
        uow.commit()
        return answer


def _referral_reversal(
    receipt: Any, total_reversed: int, sold: dict[int, Any], data: ReturnIn
) -> int:
    """The referrer's share follows the points the purchase still earns; a fixed first-purchase
    bonus goes back only when the whole receipt has been returned."""
    if not receipt.referrer_id:
        return 0
    due = 0
    if receipt.points_earned > 0:
        # The referrer keeps the share of what the purchase still earns, rounded down as the
        # share itself was: half of 950 is 475; after returning half, half of 475 is 237 kept.
        remaining = max(receipt.points_earned - total_reversed, 0)
        kept = floor_points(Decimal(receipt.referral_share) * remaining / receipt.points_earned)
        due += receipt.referral_share - kept
    returning = {item.line_no: item.qty for item in data.lines}
    all_back = all(
        line.returned_qty + returning.get(line.line_no, Decimal(0)) >= line.qty
        for line in sold.values()
    )
    if all_back:
        due = receipt.referral_share + receipt.referral_bonus
    return max(0, due - receipt.referral_reversed)
