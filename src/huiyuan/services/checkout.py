"""A purchase at the till: price it for the member, say what it earns, and record it.

Quote and commit share every step up to the writes (`outcome.work_out`), so a quote is the
commit's answer.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from ..domain.calendar import business_date, zone
from ..domain.expiry import expires_at
from ..domain.ledger import EntryKind
from ..domain.money import fmt, split_points_pro_rata
from ..domain.records.members import Member
from ..errors import Conflict, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger, stored_value
from .cards import identify_at_till
from .consent import record_consent
from .context import Context, require_program
from .idempotency import replay, run_once
from .inputs import PurchaseIn, moment
from .members import resolve_member
from .outcome import Outcome, Priced, work_out
from .receipt_facts import Facts, MemberView
from .results.till import PricedLineAnswer, PurchaseAnswer


def quote(ctx: Context, program_code: str, data: PurchaseIn) -> PurchaseAnswer:
    data = identify_at_till(ctx, program_code, data, replay_kind="purchase")
    at = moment(data.occurred_at, ctx.now())
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        # A receipt already recorded: the quote is what the commit answered (a resend of the
        # commit would answer the same), not a second pricing on top of it.
        first = replay(uow, stored.program_id, "purchase", data.receipt_no, ctx.fingerprint(data))
        if first is not None:
            return cast(PurchaseAnswer, first)
        row = resolve_member(
            uow, stored, data.member_id, data.card_no, lock=False, store=data.store
        )
        out = work_out(Facts(uow, stored.program_id), stored, row, data, at)
        redeemed = redeemed_points(data, out)
        if data.account_user is not None and redeemed > 0:
            record_consent(
                ctx,
                uow,
                stored,
                row.member_id,
                data.account_user,
                data.consent,
                "purchase",
                data.receipt_no,
                at,
                keep=False,
            )
        balance, tier = balance_after(row, out, redeemed), tier_after(row, out)
        answer = purchase_answer(data, row.member_id, out, balance, tier)
        if data.pay_with_stored_value:
            paid = out.priced.totals["paid"]
            stored_value.check_payment(uow, stored, row, paid, at)
            answer["stored_value_paid"] = fmt(paid)
            answer["stored_value"] = fmt(row.stored_value - paid)
        return answer


def commit(ctx: Context, program_code: str, data: PurchaseIn) -> PurchaseAnswer:
    # Card-less identification or the phone as the account: checked (and wrong passwords
    # counted) in a transaction of its own; the request then names the member by id.
    data = identify_at_till(ctx, program_code, data, replay_kind="purchase")
    now = ctx.now()
    at = moment(data.occurred_at, now)

    def work(uow: UnitOfWork, stored: StoredProgram) -> PurchaseAnswer:
        return record(ctx, uow, stored, data, at, now)

    # A concurrent request with the same number that wins the race is answered as it was.
    return run_once(ctx, program_code, "purchase", data.receipt_no, ctx.fingerprint(data), work)


def record(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    data: PurchaseIn,
    at: datetime,
    now: datetime,
) -> PurchaseAnswer:
    """Records the receipt and all it moves in the caller's transaction; the answer (the
    caller stores it under the receipt's number)."""
    pid = stored.program_id
    row = _member_for_update(uow, stored, data)
    mid = row.member_id
    out = work_out(Facts(uow, pid), stored, row, data, at)
    redeemed = redeemed_points(data, out)
    receipt, receipt_lines = receipt_rows(stored, data, row, out, at, now)
    uow.receipts.add(receipt, receipt_lines)
    _account_user(ctx, uow, stored, mid, data, redeemed, at)
    _pay(uow, stored, row, data, out, redeemed, at, now)
    _credit(uow, stored, row, data, out, at, now)
    changes = member_changes(row, out)
    if out.tier_changed:
        uow.members.record(pid, mid, "tier_changed", tier_event(out, data), None, at, now)
    if changes:
        uow.members.update(pid, mid, updated_at=now, **changes)
    # The row was read in this transaction (under its lock on PostgreSQL) and only this receipt
    # moved it since, so the balance is not read back.
    balance, tier = balance_after(row, out, redeemed), tier_after(row, out)
    answer = purchase_answer(data, mid, out, balance, tier)
    if data.pay_with_stored_value:
        after = uow.members.get(pid, mid)
        assert after is not None
        answer["stored_value_paid"] = fmt(out.priced.totals["paid"])
        answer["stored_value"] = fmt(after.stored_value)
    return answer


def _lock_members(uow: UnitOfWork, program_id: int, member_ids: list[str]) -> dict[str, Member]:
    """Row locks in a fixed order, so two writers never wait on each other in a cycle; the
    rows as read under their locks."""
    rows = {}
    for member_id in sorted(set(member_ids)):
        row = uow.members.get(program_id, member_id, lock=True)
        if row is not None:
            rows[member_id] = row
    return rows


def _member_for_update(uow: UnitOfWork, stored: StoredProgram, data: PurchaseIn) -> Member:
    """The member the receipt names, current for this transaction: under its lock (and its
    referrer's) on PostgreSQL; SQLite's one writer (BEGIN IMMEDIATE) makes the row just read
    current already."""
    found = resolve_member(uow, stored, data.member_id, data.card_no, lock=False, store=data.store)
    if not uow.locks_rows:
        return found
    ids = [found.member_id] + ([found.referrer_id] if found.referrer_id else [])
    return _lock_members(uow, stored.program_id, ids)[found.member_id]


def _account_user(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    member_id: str,
    data: PurchaseIn,
    redeemed: int,
    at: datetime,
) -> None:
    """An authorised user earns into the account; spending its points needs consent."""
    if data.account_user is None:
        return
    if redeemed > 0:
        record_consent(
            ctx,
            uow,
            stored,
            member_id,
            data.account_user,
            data.consent,
            "purchase",
            data.receipt_no,
            at,
        )
    elif uow.perks.user(stored.program_id, member_id, data.account_user) is None:
        raise Invalid("该使用人未获授权 / not an authorised user", code="not_authorised_user")


def _pay(
    uow: UnitOfWork,
    stored: StoredProgram,
    row: Member,
    data: PurchaseIn,
    out: Outcome,
    redeemed: int,
    at: datetime,
    now: datetime,
) -> None:
    """What pays for the receipt besides money: points (offset), vouchers, stored value."""
    pid, mid = stored.program_id, row.member_id
    if redeemed > 0:
        offset = stored.program.rewards.offset
        assert offset is not None
        posting = ledger.Posting(pid, mid, at, now, ref=data.receipt_no, reason="offset")
        earlier = at if offset.only_earlier_points else None
        ledger.debit(uow, posting, redeemed, EntryKind.OFFSET, earned_before=earlier)
    for code in data.vouchers if out.priced.active else []:
        if not uow.rewards.use_voucher(code, data.receipt_no, at):
            raise Conflict(
                f"券 {code} 已被使用 / voucher {code} was just used", code="voucher_used"
            )
    if data.pay_with_stored_value:
        paid = out.priced.totals["paid"]
        stored_value.pay(uow, stored, row, paid, at, now, data.receipt_no)


def _credit(
    uow: UnitOfWork,
    stored: StoredProgram,
    row: Member,
    data: PurchaseIn,
    out: Outcome,
    at: datetime,
    now: datetime,
) -> None:
    """The points the receipt earns its member (settling debt first) and the referrer."""
    pid, mid = stored.program_id, row.member_id
    program = stored.program
    expiry = expires_at(program.expiry, at, zone(program.timezone))
    if out.priced.points > 0:
        posting = ledger.Posting(pid, mid, at, now, ref=data.receipt_no, reason="purchase")
        ledger.credit(uow, posting, out.priced.points, expiry, debt=int(row.debt))
    if out.referral_points > 0 and row.referrer_id:
        posting = ledger.Posting(
            pid, row.referrer_id, at, now, ref=data.receipt_no, reason=f"referral: {mid}"
        )
        ledger.credit(uow, posting, out.referral_points, expiry, kind=EntryKind.BONUS)


def redeemed_points(data: PurchaseIn, out: Outcome) -> int:
    """The points the receipt spends: none when the member gets no benefits."""
    return data.points_to_redeem if out.priced.active else 0


def balance_after(row: MemberView, out: Outcome, redeemed: int) -> int:
    """The member's points once the receipt is recorded: its credit in, its offset out (a
    referral credits another member; settling debt moves debt, not points)."""
    return int(row.points) + out.priced.points - redeemed


def tier_after(row: MemberView, out: Outcome) -> str:
    return out.tier_changed["to"] if out.tier_changed else row.tier


def purchase_answer(
    data: PurchaseIn, member_id: str, out: Outcome, balance: int, tier: str
) -> PurchaseAnswer:
    priced = out.priced
    totals = priced.totals
    lines: list[PricedLineAnswer] = [
        {
            "line_no": p.line.line_no,
            "paid": fmt(p.paid),
            "member_discount": fmt(p.member_discount),
            "points": p.points,
            "notes": p.notes,
        }
        for p in priced.lines
    ]
    return {
        "receipt_no": data.receipt_no,
        "member_id": member_id,
        "totals": {
            "list": fmt(totals["list"]),
            "member_discount": fmt(totals["member_discount"]),
            "points_offset": fmt(totals["points_offset"]),
            "vouchers": fmt(totals["vouchers"]),
            "paid": fmt(totals["paid"]),
        },
        "points_earned": priced.points,
        "points_redeemed": redeemed_points(data, out),
        "balance": balance,
        "tier": tier,
        "tier_changed": out.tier_changed,
        "lines": lines,
    }


def receipt_rows(
    stored: StoredProgram,
    data: PurchaseIn,
    row: MemberView,
    out: Outcome,
    at: datetime,
    now: datetime,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The receipt's row and its lines' rows as recorded (the till and imports alike)."""
    totals = out.priced.totals
    redeemed = redeemed_points(data, out)
    receipt = {
        "program_id": stored.program_id,
        "receipt_no": data.receipt_no,
        "member_id": row.member_id,
        "program_version": stored.version,
        "occurred_at": at,
        "recorded_at": now,
        "business_date": business_date(at, zone(stored.program.timezone)),
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
        "points_earned": out.priced.points,
        "points_redeemed": redeemed,
        "points_reversed": 0,
        "referrer_id": row.referrer_id if out.referral_points else None,
        "referral_share": out.referral_share,
        "referral_bonus": out.referral_bonus,
        "referral_reversed": 0,
    }
    return receipt, _line_rows(stored.program_id, data.receipt_no, out.priced, redeemed)


def _line_rows(
    program_id: int, receipt_no: str, priced: Priced, redeemed: int
) -> list[dict[str, Any]]:
    """The lines' rows, the points spent shared out over them by the money they offset."""
    offset_points = split_points_pro_rata(redeemed, [p.offset for p in priced.lines])
    return [
        {
            "program_id": program_id,
            "receipt_no": receipt_no,
            "line_no": p.line.line_no,
            "sku": p.line.sku,
            "category": p.line.category,
            "flags": sorted(p.line.flags),
            "qty": p.line.qty,
            "list_price": p.line.list_price,
            "price": p.line.price,
            "member_discount": p.member_discount,
            "offset": p.offset,
            "vouchers": p.vouchers,
            "paid": p.paid,
            "points": p.points,
            "offset_points": spent,
            "earning_rule": p.rule,
            "returned_qty": Decimal(0),
            "points_reversed": 0,
            "offset_points_refunded": 0,
        }
        for p, spent in zip(priced.lines, offset_points, strict=True)
    ]


def member_changes(row: MemberView, out: Outcome) -> dict[str, Any]:
    """The member's columns the receipt moves besides its points: step-rule carry, class, tier."""
    changes: dict[str, Any] = {}
    if out.priced.carry != {int(k): Decimal(v) for k, v in (row.carry or {}).items()}:
        changes["carry"] = {str(k): str(v) for k, v in out.priced.carry.items()}
    if out.customer_class is not None and out.customer_class != row.customer_class:
        changes["customer_class"] = out.customer_class
    if out.tier_changed:
        changes["tier"] = out.tier_changed["to"]
    return changes


def tier_event(out: Outcome, data: PurchaseIn) -> dict[str, Any]:
    """The member-history detail of a tier the receipt reached."""
    assert out.tier_changed is not None
    return {**out.tier_changed, "reason": "purchase", "ref": data.receipt_no}


def plain_accrual(data: PurchaseIn) -> bool:
    """A receipt that only earns: nothing spent from the account, no authorised user, no
    identification at the till. Imports work such receipts out in memory (import_batch.py);
    anything else goes through `record` one at a time."""
    return not (
        data.points_to_redeem
        or data.vouchers
        or data.pay_with_stored_value
        or data.account_user is not None
        or data.consent is not None
        or data.identify is not None
    )
