"""`send_care_messages`: care messages (关怀) of the day under the program's `[care]`.

A separate job from `send_reminders` because it speaks for the member's guide, not for the
program: greetings only (birthday, festivals, season changes, "we miss you" after
`miss_you_days` without a visit), no sales talk, signed with the guide's name and store (from
the guides table; without a guide, the store, else the program). Run it once a day (the
scheduler does at 09:30 local time); each message is keyed so it goes out once per member and
occasion, and quiet hours hold it until the morning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.calendar import business_date, zone
from ..domain.care import care_due
from ..notify.outbox import enqueue
from ..notify.templates import DEFAULT_WISH, FESTIVAL_EN, FESTIVAL_WISH, SEASONS
from ..services.context import Context
from ..store.repos.notices import NoticeQueries
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunks, register


def signature(
    program_name: str, guide: tuple[str, str | None] | None, store: str | None
) -> tuple[str, str]:
    """(zh, en) signature: the guide and their store, else the store, else the program."""
    if guide is not None:
        name, guide_store = guide
        where = guide_store or store
        if where:
            return f"—— 您的专属导购 {name}（{where}）", f"— {name}, your guide at {where}"
        return f"—— 您的专属导购 {name}", f"— {name}, your guide"
    if store:
        return f"—— {program_name} {store} 全体同事", f"— everyone at {program_name} {store}"
    return f"—— {program_name}", f"— {program_name}"


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "lunar", "农历")
    return bool(value)


class SendCareMessages:
    name = "send_care_messages"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        program = stored.program
        care = program.care
        if care is None:
            return JobResult({"queued": {}, "note": "program has no care messages ([care])"})
        pid = stored.program_id
        tz = zone(program.timezone)
        day = business_date(as_of, tz)
        queued: dict[str, int] = dict(state.get("queued", {}))
        now = ctx.now()

        def pick(u: Any, after: str | None, n: int) -> list[str]:
            q = NoticeQueries(u.conn)
            return q.pick([q.everyone(pid)], after, n)

        for uow, ids in chunks(ctx, pick, state):
            q = NoticeQueries(uow.conn)
            for member_id in ids:
                member = uow.members.get(pid, member_id, lock=True)
                if member is None or member.status != "active" or member.joined_at > as_of:
                    continue
                last = q.last_visit(pid, member_id, as_of) or member.joined_at
                attrs = member.attributes or {}
                items = care_due(
                    care,
                    day,
                    member.birthday,
                    _truthy(attrs.get(care.lunar_attribute)),
                    business_date(last, tz),
                    member.customer_class,
                )
                if not items:
                    continue
                guide = q.guide(pid, member.guide_id) if member.guide_id else None
                sign_zh, sign_en = signature(program.name, guide, member.store)
                for item in items:
                    params: dict[str, Any] = {
                        **item.params,
                        "signature": sign_zh,
                        "signature_en": sign_en,
                    }
                    if item.kind == "festival":
                        code = str(item.params["festival_code"])
                        wish = FESTIVAL_WISH.get(code, DEFAULT_WISH)
                        params |= {
                            "festival_en": FESTIVAL_EN.get(code, code),
                            "wish": wish[0],
                            "wish_en": wish[1],
                        }
                    elif item.kind == "season":
                        term_en, advice, advice_en = SEASONS[str(item.params["term"])]
                        params |= {"term_en": term_en, "advice": advice, "advice_en": advice_en}
                    done = enqueue(uow, stored, member, item.kind, item.key, params, as_of, now)
                    if done.status != "duplicate":
                        queued[item.kind] = queued.get(item.kind, 0) + 1
            state["queued"] = queued
            tick(len(ids))
        return JobResult({"queued": queued})


register(SendCareMessages())
