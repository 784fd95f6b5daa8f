"""Member entitlements (生日礼品, 生日月服务, 节日礼品, 免费服务), the points lottery and priced
services (delivery)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from ..domain.calendar import MonthDay, business_date, zone
from ..domain.entitlements import USED_UP, claimable, remaining
from ..domain.ledger import EntryKind
from ..domain.lottery import roll, wins
from ..domain.money import fmt, money
from ..domain.program import Entitlement, EntitlementPeriod, Lottery
from ..domain.records.members import Member
from ..domain.records.rewards import EntitlementUse, LotteryDraw
from ..errors import Invalid, NotFound
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger
from .context import Context, require_member, require_program
from .idempotency import replay, run_once
from .inputs import DeliveryQuoteIn, EntitlementUseIn, LotteryDrawIn, moment
from .redemptions import ID_CHECK_REQUIRED, RETRIES, issue_voucher, require_active
from .results.rewards import (
    DeliveryQuote,
    Drawn,
    DrawRecord,
    Draws,
    EntitlementItem,
    Entitlements,
    EntitlementUsed,
)

# ----------------------------------------------------------------------------- entitlements


def _birthday(member: Member) -> MonthDay | None:
    return MonthDay.parse(member.birthday) if member.birthday else None


def _used(
    uow: UnitOfWork, program_id: int, member_id: str, ent: Entitlement, period_key: str | None
) -> int:
    """How often the member claimed the entitlement in the period (0 for a standing service:
    its uses are not counted against anything)."""
    if period_key is None or ent.period is EntitlementPeriod.UNLIMITED:
        return 0
    return uow.perks.uses(program_id, member_id, ent.code, period_key)


def list_entitlements(
    ctx: Context, program_code: str, member_id: str, as_of: datetime | None
) -> Entitlements:
    at = as_of or ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        member = require_member(uow, stored.program_id, member_id)
        day = business_date(at, zone(stored.program.timezone))
        items = [
            _entitlement_item(uow, stored.program_id, member, ent, day)
            for ent in stored.program.entitlements
        ]
        return {"member_id": member_id, "as_of": at.isoformat(), "items": items}


def _entitlement_item(
    uow: UnitOfWork, program_id: int, member: Member, ent: Entitlement, day: date
) -> EntitlementItem:
    claim = claimable(ent, member.tier, _birthday(member), day)
    left = remaining(ent, _used(uow, program_id, member.member_id, ent, claim.period_key))
    return {
        "code": ent.code,
        "name": ent.name,
        "name_en": ent.name_en,
        "period": ent.period.value,
        "available": claim.period_key is not None and left != 0,
        "remaining": left if claim.period_key else 0,
        "reason": claim.reason or (None if left != 0 else USED_UP),
        "voucher_value": fmt(ent.voucher_value) if ent.voucher_value else None,
        "needs_id_check": ent.needs_id_check,
    }


def use_entitlement(
    ctx: Context,
    program_code: str,
    member_id: str,
    code: str,
    data: EntitlementUseIn,
    actor: str | None,
) -> EntitlementUsed:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    # The member and entitlement in the path are part of what was asked: the same number sent
    # for another one is a different request (409 number_reused), not a resend.
    fingerprint = ctx.fingerprint(data, member_id, code)

    def work(uow: UnitOfWork, stored: StoredProgram) -> EntitlementUsed:
        ent = next((e for e in stored.program.entitlements if e.code == code), None)
        if ent is None:
            raise NotFound(f"没有该权益 / no entitlement {code!r}", code="entitlement_not_found")
        member = require_member(uow, stored.program_id, member_id, lock=True)
        # Look again under the member lock: the same use_no sent by two clients at once both
        # passed the first look, and the second must answer as the first did (recording the
        # answer again then meets the first's key, and run_once answers from it).
        first = replay(uow, stored.program_id, "entitlement", data.use_no, fingerprint)
        if first is not None:
            return cast(EntitlementUsed, first)
        require_active(member)
        period_key = _claim(uow, stored, member, ent, data, at)
        voucher_code = _consume(uow, stored, member_id, ent, period_key, data, at, now, actor)
        return {
            "use_no": data.use_no,
            "entitlement": ent.code,
            "period": period_key,
            "voucher_code": voucher_code,
            "voucher_value": fmt(ent.voucher_value) if ent.voucher_value else None,
        }

    return run_once(ctx, program_code, "entitlement", data.use_no, fingerprint, work)


def _claim(
    uow: UnitOfWork,
    stored: StoredProgram,
    member: Member,
    ent: Entitlement,
    data: EntitlementUseIn,
    at: datetime,
) -> str:
    """The period a claim at `at` uses up, refused when it is not claimable then, the staff
    did not check the ID it needs, or the period's claims are used up."""
    day = business_date(at, zone(stored.program.timezone))
    claim = claimable(ent, member.tier, _birthday(member), day)
    if claim.period_key is None:
        raise Invalid(f"当前不能领取：{claim.reason}", code="not_entitled")
    if ent.needs_id_check and not data.id_checked:
        raise Invalid(ID_CHECK_REQUIRED, code="id_check_required")
    used = _used(uow, stored.program_id, member.member_id, ent, claim.period_key)
    if remaining(ent, used) == 0:
        raise Invalid("本期已领取 / already used in this period", code="already_used")
    return claim.period_key


def _consume(
    uow: UnitOfWork,
    stored: StoredProgram,
    member_id: str,
    ent: Entitlement,
    period_key: str,
    data: EntitlementUseIn,
    at: datetime,
    now: datetime,
    actor: str | None,
) -> str | None:
    """Records the use, with the voucher it issues if any (its code)."""
    voucher_code = None
    if ent.voucher_value is not None:
        valid_days = ent.voucher_valid_days
        voucher_code = issue_voucher(
            uow, stored, member_id, ent.code, ent.voucher_value, at, valid_days, data.use_no
        )
    use = EntitlementUse(
        program_id=stored.program_id,
        use_no=data.use_no,
        member_id=member_id,
        code=ent.code,
        period_key=period_key,
        voucher_code=voucher_code,
        id_checked=data.id_checked,
        occurred_at=at,
        recorded_at=now,
        actor=actor,
    )
    uow.perks.add_use(use)
    return voucher_code


# ----------------------------------------------------------------------------- lottery


@dataclass(frozen=True)
class _Outcome:
    seed: str
    rolled: Decimal
    won: bool
    prize: str | None
    note: str | None


def draw(ctx: Context, program_code: str, member_id: str, data: LotteryDrawIn) -> Drawn:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = ctx.fingerprint(data, member_id)  # the member is part of what was asked

    def work(uow: UnitOfWork, stored: StoredProgram) -> Drawn:
        lottery = stored.program.lottery
        if lottery is None:
            raise Invalid("本方案没有积分抽奖 / this program has no lottery", code="not_offered")
        pid = stored.program_id
        member = require_member(uow, pid, member_id, lock=True)
        # As in use_entitlement: a resend that committed while this waited for the lock.
        first = replay(uow, pid, "lottery", data.draw_no, fingerprint)
        if first is not None:
            return cast(Drawn, first)
        require_active(member)
        rate = _win_rate(lottery, member)
        if lottery.points:
            posting = ledger.Posting(pid, member_id, at, now, ref=data.draw_no, reason="lottery")
            ledger.debit(uow, posting, lottery.points, EntryKind.REDEEM)
        outcome = _roll(uow, stored, lottery, data.draw_no, member_id, rate)
        uow.perks.add_draw(_draw_record(pid, member, data.draw_no, lottery, rate, outcome, at, now))
        return {
            "draw_no": data.draw_no,
            "won": outcome.won,
            "prize": outcome.prize,
            "points": lottery.points,
            "seed": outcome.seed,
            "roll": str(outcome.rolled),
            "win_rate": str(rate),
            "note": outcome.note,
            "balance": int(require_member(uow, pid, member_id).points),
        }

    # The first draws of a prize race to create its stock row, as redemptions do (RETRIES).
    return run_once(ctx, program_code, "lottery", data.draw_no, fingerprint, work, attempts=RETRIES)


def _win_rate(lottery: Lottery, member: Member) -> Decimal:
    rate = lottery.win_rates.get(member.tier)
    if rate is None:
        raise Invalid("该等级不能参加抽奖 / this tier cannot enter", code="tier_not_eligible")
    return rate


def _roll(
    uow: UnitOfWork,
    stored: StoredProgram,
    lottery: Lottery,
    draw_no: str,
    member_id: str,
    rate: Decimal,
) -> _Outcome:
    """A fresh seed decides; a win takes a prize from stock, or gives nothing when none is
    left (said in the note)."""
    seed = secrets.token_hex(16)
    rolled = roll(seed, draw_no, member_id)
    if not wins(rolled, rate):
        return _Outcome(seed, rolled, False, None, None)
    reward = stored.program.rewards.reward(lottery.prize)
    assert reward is not None
    if reward.stock is not None and not uow.rewards.take_stock(
        stored.program_id, reward.code, reward.stock, 1
    ):
        return _Outcome(seed, rolled, False, None, "奖品已送完 / the prize is out of stock")
    return _Outcome(seed, rolled, True, reward.code, None)


def _draw_record(
    program_id: int,
    member: Member,
    draw_no: str,
    lottery: Lottery,
    rate: Decimal,
    outcome: _Outcome,
    at: datetime,
    now: datetime,
) -> LotteryDraw:
    return LotteryDraw(
        program_id=program_id,
        draw_no=draw_no,
        member_id=member.member_id,
        tier=member.tier,
        seed=outcome.seed,
        roll=str(outcome.rolled),
        win_rate=str(rate),
        won=outcome.won,
        points=lottery.points,
        prize=outcome.prize,
        occurred_at=at,
        recorded_at=now,
    )


def draws(ctx: Context, program_code: str, member_id: str) -> Draws:
    """Every draw with its seed and roll; `verified` recomputes each outcome."""
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        return {"items": [_draw_item(d) for d in uow.perks.draws(stored.program_id, member_id)]}


def _draw_item(d: LotteryDraw) -> DrawRecord:
    again = roll(d.seed, d.draw_no, d.member_id)
    return {
        "draw_no": d.draw_no,
        "tier": d.tier,
        "seed": d.seed,
        "roll": d.roll,
        "win_rate": d.win_rate,
        "won": d.won,
        "prize": d.prize,
        "points": int(d.points),
        "verified": str(again) == d.roll and (wins(again, Decimal(d.win_rate)) or not d.won),
    }


# ----------------------------------------------------------------------------- priced services


def delivery_quote(ctx: Context, program_code: str, data: DeliveryQuoteIn) -> DeliveryQuote:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
    delivery = stored.program.delivery
    if delivery is None:
        raise Invalid("本方案没有送货服务 / no delivery here", code="not_offered")
    zone_ = next((z for z in delivery.zones if z.code == data.zone), None)
    if zone_ is None:
        codes = ", ".join(z.code for z in delivery.zones)
        raise Invalid(f"未知配送区域 / unknown zone (zones: {codes})", code="unknown_zone")
    fee = money(zone_.base + zone_.per_item * data.items)
    return {"zone": zone_.code, "name": zone_.name, "items": data.items, "fee": fmt(fee)}
