"""Applications for a higher tier: paid and granted at once when eligible (fashion: 金卡 at
5000 cumulative points for 50.00), or requested and then approved or refused by a manager
(guide_store), with the reviewer recorded. Idempotent by `application_no`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row

from ..domain.calendar import zone
from ..domain.money import fmt
from ..domain.program import Approval, Tier
from ..domain.records.members import Member
from ..domain.tiers import explain, holds_any, needed
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit
from .context import Context, require_member, require_program
from .idempotency import run_once
from .inputs import DecisionIn, TierApplicationIn, moment
from .tier_review import Measure, change_tier

KIND = "tier_application"


def _view(stored: StoredProgram, app: Row[Any]) -> dict[str, Any]:
    tz = zone(stored.program.timezone)

    def iso(value: datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value is not None else None

    return {
        "application_no": app.application_no,
        "member_id": app.member_id,
        "from_tier": app.from_tier,
        "tier": app.to_tier,
        "fee_paid": fmt(app.fee_paid),
        "status": app.status,
        "note": app.note,
        "requested_by": app.requested_by,
        "occurred_at": iso(app.occurred_at),
        "reviewed_by": app.reviewed_by,
        "reviewed_at": iso(app.reviewed_at),
        "review_note": app.review_note,
    }


def _check(uow: UnitOfWork, stored: StoredProgram, row: Member, tier: Tier, at: datetime) -> None:
    """Refuses an application the member may not make now (422, with the reason)."""
    program = stored.program
    if row.status == "cancelled":
        raise Forbidden("会员资格已取消 / membership was cancelled", code="member_cancelled")
    if row.status != "active":
        raise Invalid("会员尚未开通 / membership is not active", code="member_not_active")
    if tier.application is None or not tier.allows(row.kind):
        raise Invalid(
            f"{tier.name} 不接受申请 / {tier.code} cannot be applied for",
            code="application_not_offered",
        )
    if program.tier_index(tier.code) <= program.tier_index(row.tier):
        raise Invalid(
            f"会员已是 {program.tier(row.tier).name} / the member already holds {row.tier}",
            code="not_an_upgrade",
        )
    required = tier.application.requires_any
    if required:
        values = Measure(uow, stored, row).values(needed(required), at)
        if not holds_any(required, values):
            why = explain(required, values)
            raise Invalid(
                f"未达到申请条件 / not eligible for {tier.code}: {'; '.join(why)}",
                code="not_eligible",
                explain=why,
            )


def apply(
    ctx: Context, program_code: str, member_id: str, data: TierApplicationIn, caller: Any
) -> dict[str, Any]:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    who = audit.actor_of(caller)

    def work(uow: UnitOfWork, stored: StoredProgram) -> dict[str, Any]:
        program = stored.program
        pid = stored.program_id
        row = require_member(uow, pid, member_id, lock=True)
        if data.tier not in {t.code for t in program.tiers}:
            raise Invalid(f"没有等级 {data.tier} / no tier {data.tier!r}", code="unknown_tier")
        tier = program.tier(data.tier)
        _check(uow, stored, row, tier, at)
        assert tier.application is not None
        fee = tier.application.fee
        if data.fee_paid < fee:
            raise Invalid(
                f"申请 {tier.name} 须缴费 {fmt(fee)} / applying for {tier.code} needs a fee of "
                f"{fmt(fee)}",
                code="fee_not_paid",
            )
        automatic = tier.application.approval is Approval.AUTOMATIC
        uow.lifecycle.add_application(
            {
                "program_id": pid,
                "application_no": data.application_no,
                "member_id": member_id,
                "from_tier": row.tier,
                "to_tier": tier.code,
                "fee_paid": data.fee_paid,
                "status": "approved" if automatic else "pending",
                "note": data.note,
                "requested_by": who.label,
                "occurred_at": at,
                "recorded_at": now,
                "reviewed_by": "automatic" if automatic else None,
                "reviewed_at": at if automatic else None,
            }
        )
        if automatic:
            change_tier(
                uow,
                pid,
                member_id,
                row.tier,
                tier.code,
                "application",
                at,
                now,
                who.label,
                ref=data.application_no,
                fee_paid=fmt(data.fee_paid),
            )
        else:
            uow.members.record(
                pid,
                member_id,
                "tier_application",
                {"application_no": data.application_no, "tier": tier.code, "status": "pending"},
                who.label,
                at,
                now,
            )
        app = uow.lifecycle.application(pid, data.application_no)
        assert app is not None
        return _view(stored, app)

    fp = ctx.fingerprint(data, member_id)
    return run_once(ctx, program_code, KIND, data.application_no, fp, work)


def decide(
    ctx: Context,
    program_code: str,
    application_no: str,
    approve: bool,
    data: DecisionIn,
    caller: Any,
) -> dict[str, Any]:
    """A manager's decision on a pending application; the reviewer is recorded. Sending the
    same decision again answers with the application; the other decision is 409."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    who = audit.actor_of(caller)
    status = "approved" if approve else "refused"
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        pid = stored.program_id
        app = uow.lifecycle.application(pid, application_no)
        if app is None:
            raise NotFound("没有该申请 / no such application", code="application_not_found")
        row = uow.members.get(pid, app.member_id, lock=True)
        assert row is not None
        app = uow.lifecycle.application(pid, application_no)
        assert app is not None
        if app.status == status:
            return _view(stored, app)
        if app.status != "pending":
            raise Conflict(
                f"申请已{'批准' if app.status == 'approved' else '拒绝'} / the application was "
                f"already {app.status}",
                code="already_decided",
            )
        if at < app.occurred_at:
            raise Invalid(
                "审批时间早于申请时间 / decision dated before the application",
                code="decision_before_application",
            )
        if approve:
            _check(uow, stored, row, stored.program.tier(app.to_tier), at)
            change_tier(
                uow,
                pid,
                row.member_id,
                row.tier,
                app.to_tier,
                "application",
                at,
                now,
                who.label,
                ref=application_no,
                reviewed_by=who.label,
            )
        uow.lifecycle.decide(
            pid,
            application_no,
            status=status,
            reviewed_by=who.label,
            reviewed_at=at,
            review_note=data.note,
        )
        uow.members.record(
            pid,
            row.member_id,
            "tier_application",
            {"application_no": application_no, "tier": app.to_tier, "status": status},
            who.label,
            at,
            now,
        )
        audit.record(
            uow,
            f"tier_application.{status}",
            who,
            now,
            program_id=pid,
            member_id=row.member_id,
            ref=application_no,
            occurred_at=at,
        )
        decided = uow.lifecycle.application(pid, application_no)
        assert decided is not None
        answer = _view(stored, decided)
        uow.commit()
        return answer


def get(ctx: Context, program_code: str, application_no: str) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        app = uow.lifecycle.application(stored.program_id, application_no)
        if app is None:
            raise NotFound("没有该申请 / no such application", code="application_not_found")
        return _view(stored, app)


def listing(
    ctx: Context, program_code: str, member_id: str | None, status: str | None
) -> dict[str, Any]:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        rows = uow.lifecycle.applications(stored.program_id, member_id, status)
        return {"items": [_view(stored, r) for r in rows]}
