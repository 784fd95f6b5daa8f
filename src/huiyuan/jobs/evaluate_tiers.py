"""`evaluate_tiers`: reviews every active member's tier as of a moment, as the program's
`[tier_review]` says — retention each card year (liquor), daily re-evaluation with downgrades
(online_shop), the Jan 1 one-step drop (guide_store), attribute- and network-driven levels
(private_bank, bank_referral). Every change is in the member's history with its reason and the
metrics that decided it; a second run as of the same moment changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.program import ReviewKind
from ..domain.statuses import MemberStatus
from ..services.context import Context
from ..services.tier_review import review
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunks, register


class EvaluateTiers:
    name = "evaluate_tiers"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        kind = stored.program.tier_review.kind
        if kind is ReviewKind.NONE:
            return JobResult({"changed": 0, "kept": 0, "note": "program has no tier review"})
        pid = stored.program_id
        now = ctx.now()
        changed = int(state.get("changed", 0))
        kept = int(state.get("kept", 0))
        moves: dict[str, int] = dict(state.get("moves", {}))
        for uow, ids in chunks(
            ctx,
            lambda u, after, n: u.lifecycle.member_ids_after(pid, after, n, (MemberStatus.ACTIVE,)),
            state,
        ):
            for member_id in ids:
                outcome = review(uow, stored, member_id, as_of, now)
                kept += outcome.kept
                if outcome.changed:
                    changed += 1
                    move = f"{outcome.changed['from']}->{outcome.changed['to']}"
                    moves[move] = moves.get(move, 0) + 1
            state.update(changed=changed, kept=kept, moves=moves)
            tick(len(ids))
        return JobResult({"review": kind.value, "changed": changed, "kept": kept, "moves": moves})


register(EvaluateTiers())
