"""Fixed awards: the daily check-in (签到) with its streak bonus, and product reviews (评价)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.calendar import business_date, zone
from ..domain.expiry import expires_at
from ..domain.ledger import EntryKind
from ..domain.statuses import MemberStatus
from ..errors import Invalid, NotFound
from . import ledger
from .context import Context, require_member, require_program
from .inputs import moment
from .results.till import CheckInAnswer, ReviewAnswer


def check_in(ctx: Context, program_code: str, member_id: str, at: datetime | None) -> CheckInAnswer:
    now = ctx.now()
    when = moment(at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        program = stored.program
        rule = program.earning.check_in
        if rule is None:
            raise Invalid("本方案没有签到积分 / this program has no check-in", code="not_offered")
        pid = stored.program_id
        row = require_member(uow, pid, member_id, lock=True)
        if row.status != MemberStatus.ACTIVE:
            raise Invalid("会员卡尚未开通 / membership not active", code="member_not_active")
        if when < row.joined_at:
            raise Invalid("签到时间早于入会时间 / before joining", code="not_yet_member")
        tz = zone(program.timezone)
        day = business_date(when, tz)
        if uow.awards.check_in(pid, member_id, day) is not None:
            raise Invalid("今天已签到 / already checked in today", code="already_checked_in")
        yesterday = uow.awards.check_in(pid, member_id, day - timedelta(days=1))
        streak = (yesterday.streak + 1) if yesterday is not None else 1
        points = rule.points
        if rule.streak_days and streak % rule.streak_days == 0:
            points += rule.streak_bonus  # every Nth consecutive day
        uow.awards.add_check_in(pid, member_id, day, streak, points, when)
        if points > 0:
            posting = ledger.Posting(
                pid, member_id, when, now, ref=f"check-in:{day.isoformat()}", reason="check-in"
            )
            ledger.credit(
                uow, posting, points, expires_at(program.expiry, when, tz), kind=EntryKind.BONUS
            )
        after = uow.members.get(pid, member_id)
        assert after is not None
        uow.commit()
        return {"points": points, "streak": streak, "balance": int(after.points)}


def review(
    ctx: Context, program_code: str, receipt_no: str, line_no: int, at: datetime | None
) -> ReviewAnswer:
    now = ctx.now()
    when = moment(at, now)
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        program = stored.program
        rule = program.earning.review
        if rule is None:
            raise Invalid(
                "本方案没有评价积分 / this program has no review award", code="not_offered"
            )
        pid = stored.program_id
        receipt = uow.receipts.get(pid, receipt_no)
        if receipt is None:
            raise NotFound("没有该小票 / no such receipt", code="receipt_not_found")
        lines = {line.line_no: line for line in uow.receipts.lines(pid, receipt_no)}
        line = lines.get(line_no)
        if line is None:
            raise Invalid(f"小票没有第 {line_no} 行 / no line {line_no}", code="unknown_line")
        if line.returned_qty >= line.qty:
            raise Invalid("该商品已退货 / this item was returned", code="line_returned")
        uow.members.get(pid, receipt.member_id, lock=True)
        if uow.awards.reviewed(pid, receipt_no, line_no):
            raise Invalid("该商品已评价 / this item was already reviewed", code="already_reviewed")
        if when < receipt.occurred_at:
            raise Invalid(
                "评价早于购买 / review dated before the purchase", code="review_before_sale"
            )
        uow.awards.add_review(pid, receipt_no, line_no, receipt.member_id, rule.points, when)
        if rule.points > 0:
            tz = zone(program.timezone)
            posting = ledger.Posting(
                pid,
                receipt.member_id,
                when,
                now,
                ref=f"review:{receipt_no}:{line_no}",
                reason="review",
            )
            ledger.credit(
                uow,
                posting,
                rule.points,
                expires_at(program.expiry, when, tz),
                kind=EntryKind.BONUS,
            )
        uow.commit()
        return {"points": rule.points}
