"""Applications for a higher tier: paid and granted at once when eligible (fashion: 金卡 at
5000 cumulative points for 50.00), or requested and then approved or refused by a manager
(guide_store), with the reviewer recorded. Idempotent by `application_no`."""

from __future__ import annotations

from datetime import datetime

from ..domain.calendar import zone
from ..domain.money import fmt
from ..domain.program import Approval, Program, Tier
from ..domain.records.members import Member
from ..domain.records.rewards import TierApplication
from ..domain.statuses import ApplicationStatus, MemberStatus
from ..domain.tiers import explain, holds_any, needed
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import audit
from .context import Context, require_member, require_program
from .idempotency import run_once
from .inputs import DecisionIn, TierApplicationIn, moment
from .results.rewards import TierApplications, TierApplicationView
from .tier_review import Measure, change_tier
from .tokens import Caller

KIND = "tier_application"


def _view(stored: StoredProgram, app: TierApplication) -> TierApplicationView:
    tz = zone(stored.program.timezone)
    return {
        "application_no": app.application_no,
        "member_id": app.member_id,
        "from_tier": app.from_tier,
        "tier": app.to_tier,
        "fee_paid": fmt(app.fee_paid),
        "status": app.status.value,
        "note": app.note,
        "requested_by": app.requested_by,
        "occurred_at": app.occurred_at.astimezone(tz).isoformat(),
        "reviewed_by": app.reviewed_by,
        "reviewed_at": app.reviewed_at.astimezone(tz).isoformat() if app.reviewed_at else None,
        "review_note": app.review_note,
    }


def _check(uow: UnitOfWork, stored: StoredProgram, row: Member, tier: Tier, at: datetime) -> None:
    """Refuses an application the member may not make now (422, with the reason)."""
    program = stored.program
    if row.status == MemberStatus.CANCELLED:
        raise Forbidden("会员资格已取消 / membership was cancelled", code="member_cancelled")
    if row.status != MemberStatus.ACTIVE:
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


# ----------------------------------------------------------------------------- applying


def apply(
    ctx: Context, program_code: str, member_id: str, data: TierApplicationIn, caller: Caller
) -> TierApplicationView:
    now = ctx.now()
    at = moment(data.occurred_at, now)
    who = audit.actor_of(caller)

    def work(uow: UnitOfWork, stored: StoredProgram) -> TierApplicationView:
        pid = stored.program_id
        row = require_member(uow, pid, member_id, lock=True)
        tier = _applied_for(stored.program, data)
        _check(uow, stored, row, tier, at)
        assert tier.application is not None
        automatic = tier.application.approval is Approval.AUTOMATIC
        uow.lifecycle.add_application(_application(pid, row, tier, data, automatic, who, at, now))
        if automatic:
            detail = {"ref": data.application_no, "fee_paid": fmt(data.fee_paid)}
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
                **detail,
            )
        else:
            noted = {
                "application_no": data.application_no,
                "tier": tier.code,
                "status": ApplicationStatus.PENDING.value,
            }
            uow.members.record(pid, member_id, "tier_application", noted, who.label, at, now)
        app = uow.lifecycle.application(pid, data.application_no)
        assert app is not None
        return _view(stored, app)

    fp = ctx.fingerprint(data, member_id)
    return run_once(ctx, program_code, KIND, data.application_no, fp, work)


def _applied_for(program: Program, data: TierApplicationIn) -> Tier:
    """The tier asked for; refused when the program has no such tier."""
    if data.tier not in {t.code for t in program.tiers}:
        raise Invalid(f"没有等级 {data.tier} / no tier {data.tier!r}", code="unknown_tier")
    return program.tier(data.tier)


def _application(
    program_id: int,
    row: Member,
    tier: Tier,
    data: TierApplicationIn,
    automatic: bool,
    who: audit.Actor,
    at: datetime,
    now: datetime,
) -> TierApplication:
    """The application as filed: approved at once when the tier grants itself, else pending;
    refused when the fee paid is short of the tier's fee."""
    assert tier.application is not None
    fee = tier.application.fee
    if data.fee_paid < fee:
        raise Invalid(
            f"申请 {tier.name} 须缴费 {fmt(fee)} / applying for {tier.code} needs a fee of "
            f"{fmt(fee)}",
            code="fee_not_paid",
        )
    return TierApplication(
        program_id=program_id,
        application_no=data.application_no,
        member_id=row.member_id,
        from_tier=row.tier,
        to_tier=tier.code,
        fee_paid=data.fee_paid,
        status=ApplicationStatus.APPROVED if automatic else ApplicationStatus.PENDING,
        note=data.note,
        requested_by=who.label,
        occurred_at=at,
        recorded_at=now,
        reviewed_by="automatic" if automatic else None,
        reviewed_at=at if automatic else None,
    )


# ----------------------------------------------------------------------------- deciding


def decide(
    ctx: Context,
    program_code: str,
    application_no: str,
    approve: bool,
    data: DecisionIn,
    caller: Caller,
) -> TierApplicationView:
    """A manager's decision on a pending application; the reviewer is recorded. Sending the
    same decision again answers with the application; the other decision is 409."""
    now = ctx.now()
    at = moment(data.occurred_at, now)
    who = audit.actor_of(caller)
    status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
    with ctx.uow() as uow:
        stored = require_program(uow, program_code)
        app, row = _locked(uow, stored.program_id, application_no)
        if app.status == status:
            return _view(stored, app)
        _check_open(app, at)
        if approve:
            _check(uow, stored, row, stored.program.tier(app.to_tier), at)
            change_tier(
                uow,
                stored.program_id,
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
        _record_decision(uow, app, status, data.note, who, at, now)
        decided = uow.lifecycle.application(stored.program_id, application_no)
        assert decided is not None
        answer = _view(stored, decided)
        uow.commit()
        return answer


def _locked(
    uow: UnitOfWork, program_id: int, application_no: str
) -> tuple[TierApplication, Member]:
    """The application and its member, read again under the member's lock (a decision sent
    twice at once is decided once)."""
    app = uow.lifecycle.application(program_id, application_no)
    if app is None:
        raise NotFound("没有该申请 / no such application", code="application_not_found")
    row = uow.members.get(program_id, app.member_id, lock=True)
    assert row is not None
    app = uow.lifecycle.application(program_id, application_no)
    assert app is not None
    return app, row


def _check_open(app: TierApplication, at: datetime) -> None:
    """Refuses deciding an application already decided the other way, or before it was made."""
    if app.status != ApplicationStatus.PENDING:
        done = "批准" if app.status == ApplicationStatus.APPROVED else "拒绝"
        raise Conflict(
            f"申请已{done} / the application was already {app.status.value}",
            code="already_decided",
        )
    if at < app.occurred_at:
        raise Invalid(
            "审批时间早于申请时间 / decision dated before the application",
            code="decision_before_application",
        )


def _record_decision(
    uow: UnitOfWork,
    app: TierApplication,
    status: ApplicationStatus,
    note: str | None,
    who: audit.Actor,
    at: datetime,
    now: datetime,
) -> None:
    """The decision on the application, in the member's history and in the audit log."""
    pid, no = app.program_id, app.application_no
    uow.lifecycle.decide(pid, no, status, reviewed_by=who.label, reviewed_at=at, review_note=note)
    noted = {"application_no": no, "tier": app.to_tier, "status": status.value}
    uow.members.record(pid, app.member_id, "tier_application", noted, who.label, at, now)
    audit.record(
        uow,
        f"tier_application.{status.value}",
        who,
        now,
        program_id=pid,
        member_id=app.member_id,
        ref=no,
        occurred_at=at,
    )


# ----------------------------------------------------------------------------- reading


def get(ctx: Context, program_code: str, application_no: str) -> TierApplicationView:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        app = uow.lifecycle.application(stored.program_id, application_no)
        if app is None:
            raise NotFound("没有该申请 / no such application", code="application_not_found")
        return _view(stored, app)


def listing(
    ctx: Context, program_code: str, member_id: str | None, status: ApplicationStatus | None
) -> TierApplications:
    with ctx.uow(write=False) as uow:
        stored = require_program(uow, program_code)
        rows = uow.lifecycle.applications(stored.program_id, member_id, status)
        return {"items": [_view(stored, r) for r in rows]}
