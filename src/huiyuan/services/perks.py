"""Member entitlements (生日礼品, 生日月服务, 节日礼品, 免费服务), the points lottery, authorised
users of a shared account with their consent records, and priced services (delivery)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..domain.calendar import MonthDay, business_date, start_of_day, zone
from ..domain.entitlements import claimable
from ..domain.identity import normalize_mobile, normalize_resident_id
from ..domain.ledger import EntryKind
from ..domain.lottery import roll, wins
from ..domain.money import fmt, money
from ..errors import Conflict, Invalid, NotFound
from ..security import mask_phone
from . import ledger
from .context import Context, require_member, require_program
from .idempotency import replay
from .inputs import (
    AccountUserIn,
    DeliveryQuoteIn,
    EntitlementUseIn,
    LotteryDrawIn,
    moment,
)
from .redemptions import ID_CHECK_REQUIRED, RETRIES, issue_voucher

# ----------------------------------------------------------------------------- entitlements


def list_entitlements(
    ctx: Context, program_code: str, member_id: str, as_of: datetime | None
) -> dict[str, Any]:
    at = as_of or ctx.now()
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        row = require_member(uow, stored.program_id, member_id)
        day = business_date(at, zone(stored.program.timezone))
        birthday = MonthDay.parse(row.birthday) if row.birthday else None
        items = []
        for ent in stored.program.entitlements:
            c = claimable(ent, row.tier, birthday, day)
            used = (
                uow.perks.uses(stored.program_id, member_id, ent.code, c.period_key)
                if c.period_key
                else 0
            )
            unlimited = ent.period.value == "unlimited"
            left = None if unlimited else max(ent.per_period - used, 0)
            items.append(
                {
                    "code": ent.code,
                    "name": ent.name,
                    "name_en": ent.name_en,
                    "period": ent.period.value,
                    "available": c.period_key is not None and (unlimited or bool(left)),
                    "remaining": left if c.period_key else 0,
                    "reason": c.reason or (None if unlimited or left else "本期已用完 / used up"),
                    "voucher_value": fmt(ent.voucher_value) if ent.voucher_value else None,
                    "needs_id_check": ent.needs_id_check,
                }
            )
        return {"member_id": member_id, "as_of": at.isoformat(), "items": items}


def use_entitlement(
    ctx: Context,
    program_code: str,
    member_id: str,
    code: str,
    data: EntitlementUseIn,
    actor: str | None,
) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    # The member and entitlement in the path are part of what was asked: the same number sent
    # for another one is a different request (409 number_reused), not a resend.
    fingerprint = ctx.fingerprint(data, member_id, code)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        first = replay(uow, pid, "entitlement", data.use_no, fingerprint)
        if first is not None:
            return first
        ent = next((e for e in stored.program.entitlements if e.code == code), None)
        if ent is None:
            raise NotFound(f"没有该权益 / no entitlement {code!r}", code="entitlement_not_found")
        row = require_member(uow, stored.program_id, member_id, lock=True)
        # Look again under the member lock: the same use_no sent by two clients at once both
        # passed the first look, and the second must answer as the first did.
        first = replay(uow, pid, "entitlement", data.use_no, fingerprint)
        if first is not None:
            return first
        if row.status != "active":
            raise Invalid("会员未开通或已停用 / membership not active", code="member_not_active")
        tz = zone(stored.program.timezone)
        day = business_date(at, tz)
        birthday = MonthDay.parse(row.birthday) if row.birthday else None
        c = claimable(ent, row.tier, birthday, day)
        if c.period_key is None:
            raise Invalid(f"当前不能领取：{c.reason}", code="not_entitled")
        if ent.needs_id_check and not data.id_checked:
            raise Invalid(ID_CHECK_REQUIRED, code="id_check_required")
        if ent.period.value != "unlimited":
            used = uow.perks.uses(pid, member_id, ent.code, c.period_key)
            if used >= ent.per_period:
                raise Invalid("本期已领取 / already used in this period", code="already_used")
        voucher_code = None
        if ent.voucher_value is not None:
            valid_until = None
            if ent.voucher_valid_days:
                valid_until = start_of_day(day + timedelta(days=ent.voucher_valid_days), tz)
            voucher_code = issue_voucher(
                uow, pid, member_id, ent.code, ent.voucher_value, at, valid_until, data.use_no
            )
        uow.perks.add_use(
            {
                "program_id": pid,
                "use_no": data.use_no,
                "member_id": member_id,
                "code": ent.code,
                "period_key": c.period_key,
                "voucher_code": voucher_code,
                "id_checked": data.id_checked,
                "occurred_at": at,
                "recorded_at": now,
                "actor": actor,
            }
        )
        answer = {
            "use_no": data.use_no,
            "entitlement": ent.code,
            "period": c.period_key,
            "voucher_code": voucher_code,
            "voucher_value": fmt(ent.voucher_value) if ent.voucher_value else None,
        }
        uow.requests.put(pid, "entitlement", data.use_no, fingerprint, 201, answer, now)
        uow.commit()
        return answer


# ----------------------------------------------------------------------------- lottery


def draw(ctx: Context, program_code: str, member_id: str, data: LotteryDrawIn) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = ctx.fingerprint(data, member_id)  # the member is part of what was asked
    # As in redemptions.redeem: the first draws of a prize race to create its stock row on
    # PostgreSQL, and the same draw_no from two clients races on the request key; the loser
    # runs again (or answers as the first did).
    for _attempt in range(RETRIES):
        try:
            with ctx.uow() as uow:
                stored = require_program(uow, program_code)
                pid = stored.program_id
                first = replay(uow, pid, "lottery", data.draw_no, fingerprint)
                if first is not None:
                    return first
                lottery = stored.program.lottery
                if lottery is None:
                    raise Invalid(
                        "本方案没有积分抽奖 / this program has no lottery", code="not_offered"
                    )
                row = require_member(uow, stored.program_id, member_id, lock=True)
                first = replay(uow, pid, "lottery", data.draw_no, fingerprint)
                if first is not None:  # a concurrent resend committed first (see above)
                    return first
                if row.status != "active":
                    raise Invalid(
                        "会员未开通或已停用 / membership not active", code="member_not_active"
                    )
                rate = lottery.win_rates.get(row.tier)
                if rate is None:
                    raise Invalid(
                        "该等级不能参加抽奖 / this tier cannot enter", code="tier_not_eligible"
                    )
                if lottery.points:
                    posting = ledger.Posting(
                        pid, member_id, at, now, ref=data.draw_no, reason="lottery"
                    )
                    ledger.debit(uow, posting, lottery.points, EntryKind.REDEEM)
                seed = secrets.token_hex(16)
                rolled = roll(seed, data.draw_no, member_id)
                won = wins(rolled, rate)
                prize = None
                note = None
                if won:
                    reward = stored.program.rewards.reward(lottery.prize)
                    assert reward is not None
                    if reward.stock is not None and not uow.rewards.take_stock(
                        pid, reward.code, reward.stock, 1
                    ):
                        won, note = False, "奖品已送完 / the prize is out of stock"
                    else:
                        prize = reward.code
                uow.perks.add_draw(
                    {
                        "program_id": pid,
                        "draw_no": data.draw_no,
                        "member_id": member_id,
                        "tier": row.tier,
                        "seed": seed,
                        "roll": str(rolled),
                        "win_rate": str(rate),
                        "won": won,
                        "points": lottery.points,
                        "prize": prize,
                        "occurred_at": at,
                        "recorded_at": now,
                    }
                )
                after = require_member(uow, stored.program_id, member_id)
                answer = {
                    "draw_no": data.draw_no,
                    "won": won,
                    "prize": prize,
                    "points": lottery.points,
                    "seed": seed,
                    "roll": str(rolled),
                    "win_rate": str(rate),
                    "note": note,
                    "balance": int(after.points),
                }
                uow.requests.put(pid, "lottery", data.draw_no, fingerprint, 201, answer, now)
                uow.commit()
                return answer
        except IntegrityError:
            with ctx.uow(write=False) as uow:
                stored = require_program(uow, program_code)
                first = replay(uow, stored.program_id, "lottery", data.draw_no, fingerprint)
                if first is not None:
                    return first
    raise Conflict("请重试 / please retry", code="retry")


def draws(ctx: Context, program_code: str, member_id: str) -> dict[str, Any]:
    """Every draw with its seed and roll; `verified` recomputes each outcome."""
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        items = []
        for d in uow.perks.draws(stored.program_id, member_id):
            again = roll(d.seed, d.draw_no, d.member_id)
            items.append(
                {
                    "draw_no": d.draw_no,
                    "tier": d.tier,
                    "seed": d.seed,
                    "roll": d.roll,
                    "win_rate": d.win_rate,
                    "won": d.won,
                    "prize": d.prize,
                    "points": int(d.points),
                    "verified": str(again) == d.roll
                    and (wins(again, Decimal(d.win_rate)) or not d.won),
                }
            )
        return {"items": items}


# ----------------------------------------------------------------------------- shared accounts


def add_account_user(
    ctx: Context, program_code: str, member_id: str, data: AccountUserIn
) -> dict[str, Any]:
    now = ctx.now()
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        shared = stored.program.shared_accounts
        if shared is None:
            raise Invalid("本方案不支持共享账户 / no shared accounts here", code="not_offered")
        require_member(uow, stored.program_id, member_id, lock=True)
        mobile = normalize_mobile(data.mobile)
        if mobile is None:
            raise Invalid("手机号无效 / not a valid mobile number", code="invalid_phone")
        id_number = normalize_resident_id(data.id_number)
        if id_number is None:
            raise Invalid(
                "身份证号码校验失败 / invalid resident ID number", code="invalid_id_number"
            )
        users = uow.perks.users(stored.program_id, member_id)
        if len([u for u in users if u.status == "active"]) >= shared.max_users:
            raise Invalid(
                f"授权人数已满 {shared.max_users} / at most {shared.max_users} users",
                code="too_many_users",
            )
        user_no = f"U{len(users) + 1:03d}"
        uow.perks.add_user(
            {
                "program_id": stored.program_id,
                "member_id": member_id,
                "user_no": user_no,
                "name": data.name,
                "mobile_enc": ctx.sealer.seal(mobile),
                "mobile_masked": mask_phone(mobile),
                "id_number_enc": ctx.sealer.seal(id_number),
                "address_enc": ctx.sealer.seal(data.address),
                "status": "active",
                "added_at": moment(data.occurred_at, now),
            }
        )
        uow.commit()
        return {"user_no": user_no, "name": data.name, "mobile": mask_phone(mobile)}


def account_users(ctx: Context, program_code: str, member_id: str) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        require_member(uow, stored.program_id, member_id)
        return {
            "items": [
                {
                    "user_no": u.user_no,
                    "name": u.name,
                    "mobile": u.mobile_masked,
                    "status": u.status,
                }
                for u in uow.perks.users(stored.program_id, member_id)
            ]
        }


# ----------------------------------------------------------------------------- priced services


def delivery_quote(ctx: Context, program_code: str, data: DeliveryQuoteIn) -> dict[str, Any]:
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
