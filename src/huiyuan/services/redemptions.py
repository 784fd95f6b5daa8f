"""Redeeming points for rewards (积分兑换) and giving points to another member (转赠)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from ..domain.calendar import business_date, start_of_day, zone
from ..domain.ledger import EntryKind
from ..domain.money import fmt
from ..domain.program import Program, Reward, RewardKind, Rewards
from ..domain.records.members import Member
from ..domain.records.rewards import Redemption, Voucher
from ..domain.rewards import in_window, redemption_price, voucher_ends
from ..domain.statuses import MemberStatus, VoucherStatus
from ..errors import Invalid, NotFound
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger
from .consent import record_consent
from .context import Context, require_member, require_program
from .idempotency import replay, run_once
from .inputs import RedemptionIn, TransferIn, moment
from .members import check_store
from .results.rewards import Catalogue, CatalogueItem, Redeemed, Transferred

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a till
# On PostgreSQL the first redemptions (or prize draws) of a gift race to create its stock row
# (RewardRepo.take_stock inserts it on first use): the loser's unit of work runs again, the row
# then exists and the guarded UPDATE decides.
RETRIES = 3


ID_CHECK_REQUIRED = (
    "须由店员核验会员卡和身份证件（id_checked: true）/ staff must check the card and the ID "
    "document (id_checked: true)"
)


def require_active(member: Member) -> None:
    """Only an active membership spends points or claims perks."""
    if member.status != MemberStatus.ACTIVE:
        raise Invalid("会员未开通或已停用 / membership not active", code="member_not_active")


# ----------------------------------------------------------------------------- catalogue


def catalogue(ctx: Context, program_code: str) -> Catalogue:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        stock = uow.rewards.stock(stored.program_id)
    items = []
    for r in stored.program.rewards.catalogue:
        left = stock[r.code].remaining if r.code in stock else r.stock
        items.append(
            CatalogueItem(
                code=r.code,
                kind=r.kind.value,
                name=r.name,
                name_en=r.name_en,
                points=r.points,
                value=fmt(r.value) if r.value is not None else None,
                per_points=r.per_points,
                per_value=fmt(r.per_value) if r.per_value is not None else None,
                stock=left if r.stock is not None else None,
                valid_days=r.valid_days,
                tiers=list(r.tiers),
            )
        )
    return {"items": items}


# ----------------------------------------------------------------------------- vouchers


def _voucher_code(uow: UnitOfWork) -> str:
    while True:
        code = "V" + "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(11))
        if not uow.rewards.code_taken(code):
            return code


def issue_voucher(
    uow: UnitOfWork,
    stored: StoredProgram,
    member_id: str,
    source: str,
    value: Decimal,
    at: datetime,
    valid_days: int | None,
    ref: str,
) -> str:
    """Issues a voucher worth `value` for a redemption or an entitlement use (`source` names
    the reward or entitlement, `ref` the number), valid `valid_days` business days."""
    tz = zone(stored.program.timezone)
    ends = voucher_ends(business_date(at, tz), valid_days)
    code = _voucher_code(uow)
    uow.rewards.add_voucher(
        Voucher(
            code=code,
            program_id=stored.program_id,
            member_id=member_id,
            reward=source,
            value=value,
            issued_at=at,
            valid_until=start_of_day(ends, tz) if ends is not None else None,
            status=VoucherStatus.ISSUED,
            redemption_no=ref,
        )
    )
    return code


# ----------------------------------------------------------------------------- redemption


def redeem(ctx: Context, program_code: str, data: RedemptionIn, actor: str | None) -> Redeemed:
    now = ctx.now()
    at = moment(data.occurred_at, now)

    def work(uow: UnitOfWork, stored: StoredProgram) -> Redeemed:
        return _redeem(ctx, uow, stored, data, at, now, actor)

    fingerprint = ctx.fingerprint(data)
    return run_once(
        ctx, program_code, "redemption", data.redemption_no, fingerprint, work, attempts=RETRIES
    )


def _redeem(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    data: RedemptionIn,
    at: datetime,
    now: datetime,
    actor: str | None,
) -> Redeemed:
    pid, no = stored.program_id, data.redemption_no
    member = _redeemer(uow, stored, data, at)
    mid = member.member_id
    reward = _reward_for(stored.program.rewards, data.reward, member)
    points, value = _priced(stored.program, reward, data, at)
    if reward.stock is not None and not uow.rewards.take_stock(
        pid, reward.code, reward.stock, data.quantity
    ):
        raise Invalid("礼品库存不足 / out of stock", code="out_of_stock")
    posting = ledger.Posting(pid, mid, at, now, ref=no, reason=reward.code)
    ledger.debit(uow, posting, points, EntryKind.REDEEM)
    record_consent(ctx, uow, stored, mid, data.account_user, data.consent, "redemption", no, at)
    voucher_code = None
    if reward.kind is RewardKind.VOUCHER:
        voucher_code = issue_voucher(
            uow, stored, mid, reward.code, value, at, reward.valid_days, no
        )
    uow.rewards.add_redemption(
        _redemption(pid, member, reward, data, points, value, voucher_code, at, now, actor)
    )
    return {
        "redemption_no": no,
        "reward": reward.code,
        "kind": reward.kind.value,
        "points": points,
        "value": fmt(value),
        "voucher_code": voucher_code,
        "balance": _balance(uow, pid, mid),
    }


def _redeemer(uow: UnitOfWork, stored: StoredProgram, data: RedemptionIn, at: datetime) -> Member:
    """The member, locked, who may redeem here and then."""
    member = require_member(uow, stored.program_id, data.member_id, lock=True)
    require_active(member)
    check_store(stored, member, data.store)
    if at < member.joined_at:
        raise Invalid("兑换时间早于入会时间 / before joining", code="not_yet_member")
    return member


def _reward_for(rules: Rewards, code: str, member: Member) -> Reward:
    reward = rules.reward(code)
    if reward is None:
        raise NotFound(f"没有该礼品/奖励 / no reward {code!r}", code="reward_not_found")
    if reward.tiers and member.tier not in reward.tiers:
        raise Invalid(
            "会员等级不能兑换该奖励 / this reward is not offered at the member's tier",
            code="tier_not_eligible",
        )
    return reward


def _priced(
    program: Program, reward: Reward, data: RedemptionIn, at: datetime
) -> tuple[int, Decimal]:
    """(points, money value) of the redemption asked for, refused outside the redemption
    window or the program's terms."""
    rules = program.rewards
    day = business_date(at, zone(program.timezone))
    if rules.windows and in_window(rules.windows, day) is None:
        raise Invalid(
            "不在积分兑换活动期内 / redemption is closed outside the redemption window",
            code="outside_redemption_window",
        )
    points, value = redemption_price(reward, data.quantity, data.points)
    _check_terms(rules, data, points, day)
    return points, value


def _check_terms(rules: Rewards, data: RedemptionIn, points: int, day: date) -> None:
    """The program's terms for a redemption of `points` on a day: a minimum, the staff's ID
    check, a reservation made early enough for a large one."""
    if rules.minimum_points is not None and points < rules.minimum_points:
        raise Invalid(
            f"兑换至少需要 {rules.minimum_points} 积分 / at least {rules.minimum_points} points",
            code="below_minimum",
        )
    if rules.id_check_required and not data.id_checked:
        raise Invalid(ID_CHECK_REQUIRED, code="id_check_required")
    reservation = rules.reservation
    if reservation is None or points < reservation.min_points:
        return
    ahead = (data.reserved_for - day).days if data.reserved_for else -1
    if ahead < reservation.lead_days:
        raise Invalid(
            f"兑换 {reservation.min_points} 积分以上的礼品须提前 "
            f"{reservation.lead_days} 天预约 / "
            f"rewards of {reservation.min_points}+ points must be reserved "
            f"{reservation.lead_days} days ahead (reserved_for)",
            code="reservation_required",
        )


def _redemption(
    program_id: int,
    member: Member,
    reward: Reward,
    data: RedemptionIn,
    points: int,
    value: Decimal,
    voucher_code: str | None,
    at: datetime,
    now: datetime,
    actor: str | None,
) -> Redemption:
    return Redemption(
        program_id=program_id,
        redemption_no=data.redemption_no,
        member_id=member.member_id,
        reward=reward.code,
        kind=reward.kind.value,
        quantity=data.quantity,
        points=points,
        value=value,
        voucher_code=voucher_code,
        reserved_for=data.reserved_for,
        occurred_at=at,
        recorded_at=now,
        actor=actor,
        detail={"id_checked": data.id_checked},
    )


def _balance(uow: UnitOfWork, program_id: int, member_id: str) -> int:
    """The member's points after what this unit of work recorded."""
    return int(require_member(uow, program_id, member_id).points)


# ----------------------------------------------------------------------------- transfer


def transfer(ctx: Context, program_code: str, data: TransferIn) -> Transferred:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    fingerprint = ctx.fingerprint(data)

    def work(uow: UnitOfWork, stored: StoredProgram) -> Transferred:
        if not stored.program.rewards.transferable:
            raise Invalid(
                "本方案积分不可转赠 / points cannot be transferred", code="not_transferable"
            )
        if data.from_member == data.to_member:
            raise Invalid("不能转给自己 / cannot transfer to the same member", code="same_member")
        parties = _parties(uow, stored.program_id, data, at)
        # In a store-bound program (vip_points: "积分仅限本店使用，不可转移到其他分店") points
        # may not be given to a member of another store (403 other_store); members without a
        # store are not limited, as at the till.
        check_store(stored, parties[data.to_member], parties[data.from_member].store)
        # Look again under the member locks: the same transfer_no sent by two clients at once
        # both passed the first look, and the second must answer as the first did (recording
        # the answer again then meets the first's key, and run_once answers from it).
        first = replay(uow, stored.program_id, "transfer", data.transfer_no, fingerprint)
        if first is not None:
            return cast(Transferred, first)
        _move_points(uow, stored.program_id, data, at, now)
        return {
            "transfer_no": data.transfer_no,
            "points": data.points,
            "from_balance": _balance(uow, stored.program_id, data.from_member),
            "to_balance": _balance(uow, stored.program_id, data.to_member),
        }

    return run_once(ctx, program_code, "transfer", data.transfer_no, fingerprint, work)


def _parties(uow: UnitOfWork, program_id: int, data: TransferIn, at: datetime) -> dict[str, Member]:
    """Both members, locked in id order (crossing transfers never deadlock), each active and
    a member by `at`."""
    parties = {}
    for member_id in sorted((data.from_member, data.to_member)):
        member = uow.members.get(program_id, member_id, lock=True)
        if member is None:
            raise NotFound(f"没有该会员 / no member {member_id}", code="member_not_found")
        require_active(member)
        if at < member.joined_at:
            raise Invalid("转赠时间早于入会时间 / before joining", code="not_yet_member")
        parties[member_id] = member
    return parties


def _move_points(
    uow: UnitOfWork, program_id: int, data: TransferIn, at: datetime, now: datetime
) -> None:
    """The two legs under one correlation key: the points leave with the expiry they had."""
    correlation = f"transfer:{data.transfer_no}"
    out = ledger.Posting(
        program_id,
        data.from_member,
        at,
        now,
        ref=data.transfer_no,
        reason=f"to {data.to_member}",
        correlation_id=correlation,
    )
    entry_id = ledger.debit(uow, out, data.points, EntryKind.TRANSFER_OUT)
    into = ledger.Posting(
        program_id,
        data.to_member,
        at,
        now,
        ref=data.transfer_no,
        reason=f"from {data.from_member}",
        correlation_id=correlation,
    )
    expiry = ledger.drawn_expiry(uow, entry_id)
    ledger.credit(
        uow, into, data.points, expiry, kind=EntryKind.TRANSFER_IN, counts_as_earned=False
    )
