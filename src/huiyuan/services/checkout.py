"""A purchase at the till: price it for the member, say what it earns, and record it.

Quote and commit share every step up to the writes, so a quote is the commit's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..domain.calendar import MonthDay, business_date, start_of_day, year_bounds, zone
from ..domain.earning import earn
from ..domain.expiry import expires_at
from ..domain.ledger import EntryKind, available
from ..domain.metrics import Scope, Until, measure_receipt
from ..domain.money import ZERO, floor_points, fmt, split_points_pro_rata
from ..domain.pricing import price_receipt
from ..domain.program import ClassMetric, Metric, ReferralKind
from ..domain.receipt import Line, MemberContext, PricedLine
from ..domain.records.members import Member
from ..domain.rewards import apply_offset, apply_vouchers
from ..domain.tiers import needed, reached_tier
from ..errors import Conflict, Forbidden, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger, stored_value
from .cards import identify_at_till
from .consent import record_consent
from .context import Context, require_program
from .idempotency import replay
from .inputs import PurchaseIn, moment
from .members import resolve_member
from .receipt_facts import Facts, MemberSpend

NOTE_PENDING = "会员卡尚未开通，不享会员权益 / membership not yet active: no member benefits"
NOTE_LAPSED = "会员资格已过期，按原价结算，请续会 / membership has lapsed: full price; please renew"


@dataclass
class Priced:
    lines: list[PricedLine]
    points: int
    carry: dict[int, Decimal]
    context: MemberContext
    active: bool = True

    @cached_property
    def totals(self) -> dict[str, Decimal]:
        """The receipt's sums (its lines are final once priced: offsets and vouchers are
        applied before earning)."""
        return _totals(self.lines)


@dataclass
class Outcome:
    """What recording the receipt would change, worked out before any write."""

    priced: Priced
    tier_changed: dict[str, str] | None = None
    customer_class: str | None = None
    referral_share: int = 0
    referral_bonus: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def referral_points(self) -> int:
        return self.referral_share + self.referral_bonus


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


def _class_values(
    facts: Facts, stored: StoredProgram, row: Any, at: datetime
) -> tuple[Decimal, dict[str, int]]:
    """The classification metric overall and per category, before this receipt."""
    program = stored.program
    assert program.classes is not None
    tz = zone(program.timezone)
    mid = row.member_id
    if program.classes.metric is ClassMetric.YEAR_POINTS:
        start, end = year_bounds(business_date(at, tz))
        per_cat = facts.category_points(mid, start_of_day(start, tz), start_of_day(end, tz))
        return Decimal(sum(per_cat.values())), per_cat
    days = program.classes.days or 365
    spend, _ = facts.spend(mid, at - timedelta(days=days), at)
    return spend, {}


def current_class(uow: UnitOfWork, stored: StoredProgram, row: Member, at: datetime) -> str | None:
    """The member's overall class from what is recorded (returns included), for programs that
    keep classes up to date with every receipt; None where a job sets them."""
    classes = stored.program.classes
    if classes is None or not classes.on_receipt:
        return None
    value, _ = _class_values(Facts(uow, stored.program_id), stored, row, at)
    return classes.band_for(value)


def _member_context(
    facts: Facts, stored: StoredProgram, row: Any, at: datetime, data: PurchaseIn
) -> MemberContext:
    program = stored.program
    category_classes: dict[str, str] = {}
    if program.classes is not None and program.classes.per_category:
        _, per_cat = _class_values(facts, stored, row, at)
        for line in data.lines:
            value = Decimal(per_cat.get(line.category, 0))
            category_classes[line.category] = program.classes.band_for(value)
    return MemberContext(
        tier=row.tier,
        kind=row.kind,
        birthday=MonthDay.parse(row.birthday) if row.birthday else None,
        anniversary=MonthDay.parse(row.anniversary) if row.anniversary else None,
        group_level=row.group_level,
        day=business_date(at, zone(program.timezone)),
        card_presented=data.card_presented,
        customer_class=row.customer_class,
        category_classes=category_classes,
    )


def _price(facts: Facts, stored: StoredProgram, row: Any, data: PurchaseIn, at: datetime) -> Priced:
    program = stored.program
    ctx = _member_context(facts, stored, row, at, data)
    lines = _lines(data)
    blocked = None
    if row.status != "active":
        blocked = NOTE_PENDING
    elif row.valid_until is not None and ctx.day is not None and ctx.day > row.valid_until:
        blocked = NOTE_LAPSED
    if blocked and (data.points_to_redeem or data.vouchers):
        raise Invalid(
            "会员未开通或已过期，不能用积分或券 / points and vouchers need an active membership",
            code="member_not_active",
        )
    if blocked:
        priced = [PricedLine(line=line, gross=line.gross, notes=[blocked]) for line in lines]
        return Priced(priced, 0, {}, ctx, active=False)
    priced = price_receipt(program, lines, ctx)
    if data.points_to_redeem:
        _offset(facts.uow, stored, row, priced, ctx, data.points_to_redeem, at)
    voucher_value = _vouchers(facts.uow, stored, row, data.vouchers, at) if data.vouchers else ZERO
    if voucher_value > 0:
        apply_vouchers(priced, voucher_value)
    carry = {int(k): Decimal(v) for k, v in (row.carry or {}).items()}
    result = earn(program, priced, ctx, carry)
    return Priced(priced, result.points, result.carry, ctx)


def _offset(
    uow: UnitOfWork,
    stored: StoredProgram,
    row: Member,
    priced: list[PricedLine],
    ctx: MemberContext,
    points: int,
    at: datetime,
) -> None:
    offset = stored.program.rewards.offset
    if offset is None:
        raise Invalid(
            "本方案不支持积分抵扣 / this program has no points offset at checkout",
            code="offset_not_available",
        )
    lots = uow.ledger.open_lots(stored.program_id, row.member_id)
    have = available(lots, at, at if offset.only_earlier_points else None) - int(row.debt)
    if points > have:
        raise Invalid(
            f"积分不足：需要 {points}，可用 {max(have, 0)} / not enough points: {points} wanted, "
            f"{max(have, 0)} available",
            code="insufficient_points",
            wanted=points,
            available=max(have, 0),
        )
    apply_offset(offset, priced, ctx, points)


def _vouchers(
    uow: UnitOfWork, stored: StoredProgram, row: Member, codes: list[str], at: datetime
) -> Decimal:
    if len(set(codes)) != len(codes):
        raise Invalid("同一张券不能用两次 / a voucher is listed twice", code="voucher_repeated")
    total = ZERO
    for code in codes:
        v = uow.rewards.voucher(code)
        if v is None or v.program_id != stored.program_id or v.member_id != row.member_id:
            raise Invalid(
                f"券 {code} 不属于该会员 / voucher {code} is not this member's",
                code="voucher_not_found",
            )
        if v.status != "issued":
            raise Invalid(
                f"券 {code} 已使用 / voucher {code} was already used", code="voucher_used"
            )
        if v.valid_until is not None and at >= v.valid_until:
            raise Invalid(f"券 {code} 已过期 / voucher {code} has expired", code="voucher_expired")
        if at < v.issued_at:
            raise Invalid(
                f"券 {code} 尚未生效 / voucher {code} is not yet valid",
                code="voucher_not_yet_valid",
            )
        total += v.value
    return total


def _outcome(
    facts: Facts, stored: StoredProgram, row: Any, data: PurchaseIn, at: datetime
) -> Outcome:
    """What recording the receipt would change for `row` (the member as it stands), from what
    `facts` says is recorded before it; nothing is written."""
    if row.status == "cancelled":  # issue 5: a cancelled member is refused at the till
        raise Forbidden("会员资格已取消 / membership was cancelled", code="member_cancelled")
    if at < row.joined_at:
        raise Invalid(
            "消费时间早于入会时间 / the purchase is dated before the member joined",
            code="not_yet_member",
        )
    program = stored.program
    priced = _price(facts, stored, row, data, at)
    out = Outcome(priced)
    if not priced.active:
        return out
    paid = priced.totals["paid"]
    metrics = _metrics(facts, stored, row, at, paid, priced.points)
    new_tier = reached_tier(program, row.tier, metrics, kind=row.kind)
    if new_tier != row.tier:
        out.tier_changed = {"from": row.tier, "to": new_tier}
    if program.classes is not None and program.classes.on_receipt:
        value, _ = _class_values(facts, stored, row, at)
        if program.classes.metric is ClassMetric.YEAR_POINTS:
            value += priced.points
        else:
            value += paid
        out.customer_class = program.classes.band_for(value)
    if row.referrer_id and program.earning.referrals:
        referrer = facts.member(row.referrer_id)
        if referrer is not None and referrer.status == "active":
            first = any(
                ref.kind is ReferralKind.FIRST_PURCHASE for ref in program.earning.referrals
            ) and (facts.receipt_count(row.member_id) == 0)
            for ref in program.earning.referrals:
                if ref.referrer_tiers and referrer.tier not in ref.referrer_tiers:
                    continue
                if ref.kind is ReferralKind.SHARE:
                    out.referral_share += floor_points(priced.points * ref.rate)
                elif ref.kind is ReferralKind.FIRST_PURCHASE and first:
                    out.referral_bonus += ref.points
    return out


def _totals(priced: list[PricedLine]) -> dict[str, Decimal]:
    return {
        "list": sum((p.line.list_amount for p in priced), ZERO),
        "member_discount": sum((p.member_discount for p in priced), ZERO),
        "points_offset": sum((p.offset for p in priced), ZERO),
        "vouchers": sum((p.vouchers for p in priced), ZERO),
        "paid": sum((p.paid for p in priced), ZERO),
    }


def _answer(
    data: PurchaseIn, member_id: str, out: Outcome, balance: int, tier: str
) -> dict[str, Any]:
    priced = out.priced
    points_redeemed = data.points_to_redeem if priced.active else 0
    totals = priced.totals
    return {
        "receipt_no": data.receipt_no,
        "member_id": member_id,
        "totals": {k: fmt(v) for k, v in totals.items()},
        "points_earned": priced.points,
        "points_redeemed": points_redeemed,
        "balance": balance,
        "tier": tier,
        "tier_changed": out.tier_changed,
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


def quote(ctx: Context, program_code: str, data: PurchaseIn) -> dict[str, Any]:
    data = identify_at_till(ctx, program_code, data, replay_kind="purchase")
    at = moment(data.occurred_at, ctx.now())
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        # A receipt already recorded: the quote is what the commit answered (a resend of the
        # commit would answer the same), not a second pricing on top of it.
        first = replay(uow, stored.program_id, "purchase", data.receipt_no, ctx.fingerprint(data))
        if first is not None:
            return first
        row = resolve_member(
            uow, stored, data.member_id, data.card_no, lock=False, store=data.store
        )
        out = _outcome(Facts(uow, stored.program_id), stored, row, data, at)
        tier = out.tier_changed["to"] if out.tier_changed else row.tier
        redeemed = data.points_to_redeem if out.priced.active else 0
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
        answer = _answer(data, row.member_id, out, _balance_after(row, out, redeemed), tier)
        if data.pay_with_stored_value:  # issue 5: paid from stored value
            paid = out.priced.totals["paid"]
            stored_value.check_payment(uow, stored, row, paid, at)
            answer.update(stored_value_paid=fmt(paid), stored_value=fmt(row.stored_value - paid))
        return answer


def commit(ctx: Context, program_code: str, data: PurchaseIn) -> dict[str, Any]:
    # Card-less identification or the phone as the account: checked (and wrong passwords
    # counted) in a transaction of its own; the request then names the member by id.
    data = identify_at_till(ctx, program_code, data, replay_kind="purchase")
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = ctx.fingerprint(data)
    try:
        with ctx.uow() as uow:
            stored = require_program(uow, program_code)
            first = replay(uow, stored.program_id, "purchase", data.receipt_no, fingerprint)
            if first is not None:
                return first
            answer = _commit(ctx, uow, stored, data, at, now, fingerprint)
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


def _lock_members(uow: UnitOfWork, program_id: int, member_ids: list[str]) -> dict[str, Member]:
    """Row locks in a fixed order, so two writers never wait on each other in a cycle; the
    rows as read under their locks."""
    rows = {}
    for member_id in sorted(set(member_ids)):
        row = uow.members.get(program_id, member_id, lock=True)
        if row is not None:
            rows[member_id] = row
    return rows


def _balance_after(row: Any, out: Outcome, redeemed: int) -> int:
    """The member's points once the receipt is recorded: its credit in, its offset out (a
    referral credits another member; settling debt moves debt, not points)."""
    return int(row.points) + out.priced.points - redeemed


def receipt_rows(
    stored: StoredProgram, data: PurchaseIn, row: Any, out: Outcome, at: datetime, now: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The receipt's row and its lines' rows as recorded (the till and imports alike)."""
    pid = stored.program_id
    priced = out.priced
    totals = priced.totals
    redeemed = data.points_to_redeem if priced.active else 0
    offset_points = split_points_pro_rata(redeemed, [p.offset for p in priced.lines])
    receipt = {
        "program_id": pid,
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
        "points_earned": priced.points,
        "points_redeemed": redeemed,
        "points_reversed": 0,
        "referrer_id": row.referrer_id if out.referral_points else None,
        "referral_share": out.referral_share,
        "referral_bonus": out.referral_bonus,
        "referral_reversed": 0,
    }
    lines = [
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
    return receipt, lines


def member_changes(row: Any, out: Outcome) -> dict[str, Any]:
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
    anything else goes through `_commit` one at a time."""
    return not (
        data.points_to_redeem
        or data.vouchers
        or data.pay_with_stored_value
        or data.account_user is not None
        or data.consent is not None
        or data.identify is not None
    )


def _commit(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    data: PurchaseIn,
    at: datetime,
    now: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    program = stored.program
    pid = stored.program_id
    found = resolve_member(uow, stored, data.member_id, data.card_no, lock=False, store=data.store)
    row = found  # SQLite's one writer (BEGIN IMMEDIATE): the row just read is current
    if uow.locks_rows:
        locked = _lock_members(
            uow, pid, [found.member_id] + ([found.referrer_id] if found.referrer_id else [])
        )
        row = locked[found.member_id]
    mid = row.member_id
    out = _outcome(Facts(uow, pid), stored, row, data, at)
    priced = out.priced
    redeemed = data.points_to_redeem if priced.active else 0
    receipt, receipt_lines = receipt_rows(stored, data, row, out, at, now)
    uow.receipts.add(receipt, receipt_lines)
    if data.account_user is not None:
        # An authorised user earns into the account; spending its points needs consent.
        if redeemed > 0:
            record_consent(
                ctx,
                uow,
                stored,
                mid,
                data.account_user,
                data.consent,
                "purchase",
                data.receipt_no,
                at,
            )
        elif uow.perks.user(pid, mid, data.account_user) is None:
            raise Invalid("该使用人未获授权 / not an authorised user", code="not_authorised_user")
    if redeemed > 0:
        offset = program.rewards.offset
        assert offset is not None
        posting = ledger.Posting(pid, mid, at, now, ref=data.receipt_no, reason="offset")
        earlier = at if offset.only_earlier_points else None
        ledger.debit(uow, posting, redeemed, EntryKind.OFFSET, earned_before=earlier)
    for code in data.vouchers if priced.active else []:
        if not uow.rewards.use_voucher(code, data.receipt_no, at):
            raise Conflict(
                f"券 {code} 已被使用 / voucher {code} was just used", code="voucher_used"
            )
    if data.pay_with_stored_value:  # issue 5: the receipt's paid money from stored value
        stored_value.pay(uow, stored, row, receipt["paid_total"], at, now, data.receipt_no)
    expiry = expires_at(program.expiry, at, zone(program.timezone))
    if priced.points > 0:
        posting = ledger.Posting(pid, mid, at, now, ref=data.receipt_no, reason="purchase")
        ledger.credit(uow, posting, priced.points, expiry, debt=int(row.debt))
    if out.referral_points > 0 and row.referrer_id:
        posting = ledger.Posting(
            pid, row.referrer_id, at, now, ref=data.receipt_no, reason=f"referral: {mid}"
        )
        ledger.credit(uow, posting, out.referral_points, expiry, kind=EntryKind.BONUS)
    changes = member_changes(row, out)
    if out.tier_changed:
        uow.members.record(pid, mid, "tier_changed", tier_event(out, data), None, at, now)
    if changes:
        uow.members.update(pid, mid, updated_at=now, **changes)
    # The row was read in this transaction (under its lock on PostgreSQL) and only this receipt
    # moved it since, so the balance is not read back.
    answer = _answer(
        data, mid, out, _balance_after(row, out, redeemed), changes.get("tier", row.tier)
    )
    if data.pay_with_stored_value:
        after = uow.members.get(pid, mid)
        assert after is not None
        answer.update(
            stored_value_paid=fmt(receipt["paid_total"]), stored_value=fmt(after.stored_value)
        )
    uow.requests.put(pid, "purchase", data.receipt_no, fingerprint, 201, answer, now)
    return answer


def _metrics(
    facts: Facts, stored: StoredProgram, row: Any, at: datetime, paid: Decimal, points: int
) -> dict[Metric, Decimal]:
    """The tier metrics a receipt moves, as they stand once this receipt (not yet stored) is
    counted: every receipt on record in each period counts, even those dated after it."""
    program = stored.program
    scope = Scope(
        at=at,
        tz=zone(program.timezone),
        joined_at=row.joined_at,
        valid_until=row.valid_until,
        validity_months=program.membership.validity_months,
        points_earned_total=row.points_earned_total,
        until=Until.PERIOD_END,
        paid=paid,
        points=points,
        orders=1,
    )
    keys = needed(q for tier in program.tiers for q in tier.qualify_any)
    values = measure_receipt(keys, scope, MemberSpend(facts, row.member_id))
    return {metric: value for (metric, _, _), value in values.items()}
