"""`settle_referrals`: the monthly referral reward (bank_referral: 0.4% / 0.6% / 0.7% by the
referrer's level on the 1st of the month, of each directly referred client's monthly deposit —
the lowest balance held that month — capped at 400000.00 per client). Credited to the
referrer's stored value for every month that ended by the job's moment and was not settled
before, dated at the job's `as_of`. Run it after accrue_deposits and evaluate_tiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.money import ZERO, fmt, money
from ..domain.statuses import MemberStatus
from ..services import stored_value
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunks, register


class SettleReferrals:
    name = "settle_referrals"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        config = stored.program.stored_value
        if config is None or config.referral_reward is None:
            return JobResult({"rewards": "0.00", "note": "program has no referral rewards"})
        pid = stored.program_id
        now = ctx.now()
        total = money(state.get("rewards", "0.00"))
        for uow, ids in chunks(
            ctx, lambda u, after, n: u.lifecycle.referrer_ids_after(pid, after, n), state
        ):
            for referrer_id in ids:
                row = uow.members.get(pid, referrer_id, lock=True)
                if row is None or row.status != MemberStatus.ACTIVE:
                    continue
                total += stored_value.settle(uow, stored, referrer_id, as_of, now)
            state["rewards"] = fmt(total or ZERO)
            tick(len(ids))
        return JobResult({"rewards": fmt(total)})


register(SettleReferrals())
