"""What recording a receipt would change, worked out before any write: its lines priced for the
member, points and vouchers applied, the points earned, the tier and class reached, the
referrer's points. The quote answers with it, the commit and the import batch record it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from ..domain.calendar import MonthDay, business_date, start_of_day, year_bounds, zone
from ..domain.earning import earn
from ..domain.ledger import available
from ..domain.metrics import Scope, Until, measure_receipt
from ..domain.money import ZERO
from ..domain.pricing import price_receipt
from ..domain.program import ClassMetric, Metric
from ..domain.receipt import Line, MemberContext, PricedLine
from ..domain.referrals import pays_first_purchase, referral_award
from ..domain.rewards import apply_offset, apply_vouchers
from ..domain.statuses import MemberStatus
from ..domain.tiers import needed, reached_tier
from ..domain.vouchers import check_listed_once, usable_value
from ..errors import Forbidden, Invalid
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .inputs import PurchaseIn
from .receipt_facts import Facts, MemberSpend, MemberView
from .results.till import TierChange

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
        lines = self.lines
        return {
            "list": sum((p.line.list_amount for p in lines), ZERO),
            "member_discount": sum((p.member_discount for p in lines), ZERO),
            "points_offset": sum((p.offset for p in lines), ZERO),
            "vouchers": sum((p.vouchers for p in lines), ZERO),
            "paid": sum((p.paid for p in lines), ZERO),
        }


@dataclass
class Outcome:
    """What recording the receipt would change, worked out before any write."""

    priced: Priced
    tier_changed: TierChange | None = None
    customer_class: str | None = None
    referral_share: int = 0
    referral_bonus: int = 0

    @property
    def referral_points(self) -> int:
        return self.referral_share + self.referral_bonus


def work_out(
    facts: Facts, stored: StoredProgram, row: MemberView, data: PurchaseIn, at: datetime
) -> Outcome:
    """What recording the receipt would change for `row` (the member as it stands), from what
    `facts` says is recorded before it; nothing is written."""
    if row.status == MemberStatus.CANCELLED:
        raise Forbidden("会员资格已取消 / membership was cancelled", code="member_cancelled")
    if at < row.joined_at:
        raise Invalid(
            "消费时间早于入会时间 / the purchase is dated before the member joined",
            code="not_yet_member",
        )
    priced = _price(facts, stored, row, data, at)
    out = Outcome(priced)
    if not priced.active:
        return out
    out.tier_changed = _tier_reached(facts, stored, row, at, priced)
    out.customer_class = _class_reached(facts, stored, row, at, priced)
    out.referral_share, out.referral_bonus = _referral(facts, stored, row, priced.points)
    return out


# ----------------------------------------------------------------------------- pricing


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
    facts: Facts, stored: StoredProgram, row: MemberView, at: datetime, data: PurchaseIn
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


def _no_benefits(row: MemberView, day: date | None) -> str | None:
    """Why the member gets no member benefits at the till, if so: the note on every line."""
    if row.status != MemberStatus.ACTIVE:
        return NOTE_PENDING
    if row.valid_until is not None and day is not None and day > row.valid_until:
        return NOTE_LAPSED
    return None


def _at_full_price(lines: list[Line], ctx: MemberContext, note: str, data: PurchaseIn) -> Priced:
    """A receipt of a member without benefits: full price, no points, `note` on every line."""
    if data.points_to_redeem or data.vouchers:
        raise Invalid(
            "会员未开通或已过期，不能用积分或券 / points and vouchers need an active membership",
            code="member_not_active",
        )
    priced = [PricedLine(line=line, gross=line.gross, notes=[note]) for line in lines]
    return Priced(priced, 0, {}, ctx, active=False)


def _price(
    facts: Facts, stored: StoredProgram, row: MemberView, data: PurchaseIn, at: datetime
) -> Priced:
    program = stored.program
    ctx = _member_context(facts, stored, row, at, data)
    lines = _lines(data)
    blocked = _no_benefits(row, ctx.day)
    if blocked:
        return _at_full_price(lines, ctx, blocked, data)
    priced = price_receipt(program, lines, ctx)
    if data.points_to_redeem:
        _offset(facts.uow, stored, row, priced, ctx, data.points_to_redeem, at)
    if data.vouchers:
        voucher_value = _vouchers(facts.uow, stored, row, data.vouchers, at)
        if voucher_value > 0:
            apply_vouchers(priced, voucher_value)
    carry = {int(k): Decimal(v) for k, v in (row.carry or {}).items()}
    result = earn(program, priced, ctx, carry)
    return Priced(priced, result.points, result.carry, ctx)


def _offset(
    uow: UnitOfWork,
    stored: StoredProgram,
    row: MemberView,
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
    uow: UnitOfWork, stored: StoredProgram, row: MemberView, codes: list[str], at: datetime
) -> Decimal:
    """The vouchers' value, each checked in the order listed (the first refusal is reported)."""
    check_listed_once(codes)
    pid, mid = stored.program_id, row.member_id
    return sum(
        (usable_value(code, uow.rewards.voucher(code), pid, mid, at) for code in codes), ZERO
    )


# ----------------------------------------------------------------------------- what it reaches


def _tier_reached(
    facts: Facts, stored: StoredProgram, row: MemberView, at: datetime, priced: Priced
) -> TierChange | None:
    metrics = _metrics(facts, stored, row, at, priced.totals["paid"], priced.points)
    new_tier = reached_tier(stored.program, row.tier, metrics, kind=row.kind)
    return {"from": row.tier, "to": new_tier} if new_tier != row.tier else None


def _metrics(
    facts: Facts, stored: StoredProgram, row: MemberView, at: datetime, paid: Decimal, points: int
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


def _class_values(
    facts: Facts, stored: StoredProgram, row: MemberView, at: datetime
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


def _class_reached(
    facts: Facts, stored: StoredProgram, row: MemberView, at: datetime, priced: Priced
) -> str | None:
    """The class the receipt puts the member in, for programs that keep classes up to date
    with every receipt."""
    classes = stored.program.classes
    if classes is None or not classes.on_receipt:
        return None
    value, _ = _class_values(facts, stored, row, at)
    if classes.metric is ClassMetric.YEAR_POINTS:
        value += priced.points
    else:
        value += priced.totals["paid"]
    return classes.band_for(value)


def current_class(
    uow: UnitOfWork, stored: StoredProgram, row: MemberView, at: datetime
) -> str | None:
    """The member's overall class from what is recorded (returns included), for programs that
    keep classes up to date with every receipt; None where a job sets them."""
    classes = stored.program.classes
    if classes is None or not classes.on_receipt:
        return None
    value, _ = _class_values(Facts(uow, stored.program_id), stored, row, at)
    return classes.band_for(value)


def _referral(facts: Facts, stored: StoredProgram, row: MemberView, points: int) -> tuple[int, int]:
    """(share, bonus) the member's referrer earns from the receipt, if active."""
    referrals = stored.program.earning.referrals
    if not row.referrer_id or not referrals:
        return 0, 0
    referrer = facts.member(row.referrer_id)
    if referrer is None or referrer.status != MemberStatus.ACTIVE:
        return 0, 0
    first = pays_first_purchase(referrals) and facts.receipt_count(row.member_id) == 0
    return referral_award(referrals, referrer.tier, points, first)
