"""`send_reminders`: messages members are due as of the job's moment, under `[reminders]`:
expiry reminders, tier-change and upgrade-possible notices, redemption-window notices and
balance statements (the rules: `domain/reminders.py`).

Every message goes to the outbox in the same transaction as the chunk of members that caused
it, keyed so a second run (or a resumed one) writes nothing twice. Sending is the sender's
job (`huiyuan notify send`, or the scheduler in `huiyuan serve`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.records.members import Member
from ..domain.reminders import (
    MemberFacts,
    Notice,
    ReminderPlan,
    plan_reminders,
    reminders_due,
)
from ..services import ledger
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .base import JobResult, Progress, register
from .notices import queue_notices


class SendReminders:
    name = "send_reminders"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        plan = plan_reminders(stored.program, as_of)
        wanted = plan.candidates()
        if not wanted:
            return JobResult({"queued": {}, "note": "nothing to remind of today"})

        def notices_of(uow: UnitOfWork, member: Member) -> list[Notice]:
            facts = read_facts(uow, stored, plan, member)
            return reminders_due(plan, stored.program, facts)

        queued = queue_notices(ctx, stored, as_of, state, tick, wanted, notices_of)
        return JobResult({"queued": queued})


def read_facts(
    uow: UnitOfWork, stored: StoredProgram, plan: ReminderPlan, member: Member
) -> MemberFacts:
    """What the member's reminders are decided on, as of the plan's moment; the tier changes
    and the spend only when a reminder needs them."""
    pid, member_id = stored.program_id, member.member_id
    balance = ledger.balance_as_of(uow, pid, member_id, plan.as_of)
    changes = (
        uow.notices.tier_changes(pid, member_id, plan.tiers_since, plan.as_of)
        if plan.tiers_since is not None
        else []
    )
    needs_spend = plan.needs_spend(stored.program.tier_index(member.tier))
    spend = uow.notices.spend(pid, member_id, plan.as_of) if needs_spend else None
    return MemberFacts(member, balance.points, balance.expiring, changes, spend)


register(SendReminders())
