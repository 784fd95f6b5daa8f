"""Redeeming points for rewards (积分兑换) and giving points to another member (转赠)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..domain.calendar import business_date, start_of_day, zone
from ..domain.ledger import EntryKind
from ..domain.money import fmt
from ..domain.program import RewardKind
from ..domain.rewards import in_window, redemption_price
from ..errors import Conflict, Invalid, NotFound
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger
from .consent import record_consent
from .context import Context, require_member, require_program
from .idempotency import replay
from .inputs import RedemptionIn, TransferIn, moment
from .members import check_store

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a till
RETRIES = 3  # attempts of a redemption whose unit of work met a concurrent insert


ID_CHECK_REQUIRED = (
    "须由店员核验会员卡和身份证件（id_checked: true）/ staff must check the card and the ID "
    "document (id_checked: true)"
)


def catalogue(ctx: Context, program_code: str) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        items = []
        for r in stored.program.rewards.catalogue:
            left = uow.rewards.stock_left(stored.program_id, r.code)
            items.append(
                {
                    "code": r.code,
                    "kind": r.kind.value,
                    "name": r.name,
                    "name_en": r.name_en,
                    "points": r.points,
                    "value": fmt(r.value) if r.value is not None else None,
                    "per_points": r.per_points,
                    "per_value": fmt(r.per_value) if r.per_value is not None else None,
                    "stock": (left if left is not None else r.stock)
                    if r.stock is not None
                    else None,
                    "valid_days": r.valid_days,
                    "tiers": list(r.tiers),
                }
            )
        return {"items": items}


def _voucher_code(uow: UnitOfWork) -> str:
    while True:
        code = "V" + "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(11))
        if not uow.rewards.code_taken(code):
            return code


def issue_voucher(
    uow: UnitOfWork,
    program_id: int,
    member_id: str,
    source: str,
    value: Decimal,
    at: datetime,
    valid_until: datetime | None,
    ref: str,
) -> str:
    code = _voucher_code(uow)
    uow.rewards.add_voucher(
        {
            "code": code,
            "program_id": program_id,
            "member_id": member_id,
            "reward": source,
            "value": value,
            "issued_at": at,
            "valid_until": valid_until,
            "status": "issued",
            "redemption_no": ref,
        }
    )
    return code


def redeem(
    ctx: Context, program_code: str, data: RedemptionIn, actor: str | None
) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = ctx.fingerprint(data)
    # On PostgreSQL the first redemptions of a gift race to create its stock row
    # (RewardRepo.take_stock inserts it on first use): an IntegrityError that is not a resend of
    # this number runs the unit of work again; the row then exists and the guarded UPDATE
    # decides.
    for _attempt in range(RETRIES):
        try:
            with ctx.uow() as uow:
                stored = require_program(uow, program_code)
                pid = stored.program_id
                first = replay(uow, pid, "redemption", data.redemption_no, fingerprint)
                if first is not None:
                    return first
                answer = _redeem(ctx, uow, stored, data, at, now, actor)
                uow.requests.put(
                    pid, "redemption", data.redemption_no, fingerprint, 201, answer, now
                )
                uow.commit()
                return answer
        except IntegrityError:
            with ctx.uow(write=False) as uow:
                stored = require_program(uow, program_code)
                pid = stored.program_id
                first = replay(uow, pid, "redemption", data.redemption_no, fingerprint)
                if first is not None:
                    return first
    raise Conflict("请重试 / please retry", code="retry")


def _redeem(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    data: RedemptionIn,
    at: datetime,
    now: datetime,
    actor: str | None,
) -> dict[str, Any]:
    program = stored.program
    rules = program.rewards
    tz = zone(program.timezone)
    pid = stored.program_id
    member = require_member(uow, pid, data.member_id, lock=True)
    if member.status != "active":
        raise Invalid("会员卡未开通或已停用 / membership not active", code="member_not_active")
    check_store(stored, member, data.store)
    if at < member.joined_at:
        raise Invalid("兑换时间早于入会时间 / before joining", code="not_yet_member")
    reward = rules.reward(data.reward)
    if reward is None:
        raise NotFound(f"没有该礼品/奖励 / no reward {data.reward!r}", code="reward_not_found")
    if reward.tiers and member.tier not in reward.tiers:
        raise Invalid(
            "会员等级不能兑换该奖励 / this reward is not offered at the member's tier",
            code="tier_not_eligible",
        )
    day = business_date(at, tz)
    if not in_window(rules.windows, day):
        raise Invalid(
            "不在积分兑换活动期内 / redemption is closed outside the redemption window",
            code="outside_redemption_window",
        )
    points, value = redemption_price(reward, data.quantity, data.points)
    if rules.minimum_points is not None and points < rules.minimum_points:
        raise Invalid(
            f"兑换至少需要 {rules.minimum_points} 积分 / at least {rules.minimum_points} points",
            code="below_minimum",
        )
    if rules.id_check_required and not data.id_checked:
        raise Invalid(ID_CHECK_REQUIRED, code="id_check_required")
    reservation = rules.reservation
    if reservation is not None and points >= reservation.min_points:
        ahead = (data.reserved_for - day).days if data.reserved_for else -1
        if ahead < reservation.lead_days:
            raise Invalid(
                f"兑换 {reservation.min_points} 积分以上的礼品须提前 "
                f"{reservation.lead_days} 天预约 / "
                f"rewards of {reservation.min_points}+ points must be reserved "
                f"{reservation.lead_days} days ahead (reserved_for)",
                code="reservation_required",
            )
    if reward.stock is not None and not uow.rewards.take_stock(
        pid, reward.code, reward.stock, data.quantity
    ):
        raise Invalid("礼品库存不足 / out of stock", code="out_of_stock")
    posting = ledger.Posting(
        pid, member.member_id, at, now, ref=data.redemption_no, reason=reward.code
    )
    ledger.debit(uow, posting, points, EntryKind.REDEEM)
    record_consent(
        ctx,
        uow,
        stored,
        member.member_id,
        data.account_user,
        data.consent,
        "redemption",
        data.redemption_no,
        at,
    )
    voucher_code = None
    if reward.kind is RewardKind.VOUCHER:
        valid_until = None
        if reward.valid_days:
            valid_until = start_of_day(day + timedelta(days=reward.valid_days), tz)
        voucher_code = issue_voucher(
            uow, pid, member.member_id, reward.code, value, at, valid_until, data.redemption_no
        )
    uow.rewards.add_redemption(
        {
            "program_id": pid,
            "redemption_no": data.redemption_no,
            "member_id": member.member_id,
            "reward": reward.code,
            "kind": reward.kind.value,
            "quantity": data.quantity,
            "points": points,
            "value": value,
            "voucher_code": voucher_code,
            "reserved_for": data.reserved_for,
            "occurred_at": at,
            "recorded_at": now,
            "actor": actor,
            "detail": {"id_checked": data.id_checked},
        }
    )
    after = uow.members.get(pid, member.member_id)
    assert after is not None
    return {
        "redemption_no": data.redemption_no,
        "reward": reward.code,
        "kind": reward.kind.value,
        "points": points,
        "value": fmt(value),
        "voucher_code": voucher_code,
        "balance": int(after.points),
    }


def transfer(ctx: Context, program_code: str, data: TransferIn) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = ctx.fingerprint(data)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        first = replay(uow, pid, "transfer", data.transfer_no, fingerprint)
        if first is not None:
            return first
        if not stored.program.rewards.transferable:
            raise Invalid(
                "本方案积分不可转赠 / points cannot be transferred", code="not_transferable"
            )
        if data.from_member == data.to_member:
            raise Invalid("不能转给自己 / cannot transfer to the same member", code="same_member")
        rows = {}
        for member_id in sorted((data.from_member, data.to_member)):
            row = uow.members.get(pid, member_id, lock=True)
            if row is None:
                raise NotFound(f"没有该会员 / no member {member_id}", code="member_not_found")
            if row.status != "active":
                raise Invalid(
                    "会员未开通或已停用 / membership not active", code="member_not_active"
                )
            if at < row.joined_at:
                raise Invalid("转赠时间早于入会时间 / before joining", code="not_yet_member")
            rows[member_id] = row
        # In a store-bound program (vip_points: "积分仅限本店使用，不可转移到其他分店") points
        # may not be given to a member of another store (403 other_store); members without a
        # store are not limited, as at the till.
        check_store(stored, rows[data.to_member], rows[data.from_member].store)
        # Look again under the member locks: the same transfer_no sent by two clients at once
        # both passed the first look, and the second must answer as the first did.
        first = replay(uow, pid, "transfer", data.transfer_no, fingerprint)
        if first is not None:
            return first
        correlation = f"transfer:{data.transfer_no}"
        out = ledger.Posting(
            pid,
            data.from_member,
            at,
            now,
            ref=data.transfer_no,
            reason=f"to {data.to_member}",
            correlation_id=correlation,
        )
        entry_id = ledger.debit(uow, out, data.points, EntryKind.TRANSFER_OUT)
        expiry = ledger.drawn_expiry(uow, entry_id)
        into = ledger.Posting(
            pid,
            data.to_member,
            at,
            now,
            ref=data.transfer_no,
            reason=f"from {data.from_member}",
            correlation_id=correlation,
        )
        ledger.credit(
            uow, into, data.points, expiry, kind=EntryKind.TRANSFER_IN, counts_as_earned=False
        )
        a = uow.members.get(pid, data.from_member)
        b = uow.members.get(pid, data.to_member)
        assert a is not None and b is not None
        answer = {
            "transfer_no": data.transfer_no,
            "points": data.points,
            "from_balance": int(a.points),
            "to_balance": int(b.points),
        }
        uow.requests.put(pid, "transfer", data.transfer_no, fingerprint, 201, answer, now)
        uow.commit()
        return answer
