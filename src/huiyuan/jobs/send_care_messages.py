"""`send_care_messages`: care messages (关怀) of the day under the program's `[care]`.

A separate job from `send_reminders` because it speaks for the member's guide, not for the
program: greetings only (birthday, festivals, season changes, "we miss you" after
`miss_you_days` without a visit), no sales talk, signed with the guide's name and store
(without a guide, the store, else the program). Run it once a day (the scheduler does at
09:30 local time); each message is keyed so it goes out once per member and occasion, and
quiet hours hold it until the morning.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..domain.calendar import business_date, zone
from ..domain.care import care_due
from ..domain.program import Care
from ..domain.records.members import Member
from ..domain.reminders import Candidates, Notice
from ..notify.templates import care_wording, signature
from ..services.context import Context
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from .base import JobResult, Progress, register
from .notices import queue_notices


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
        care = stored.program.care
        if care is None:
            return JobResult({"queued": {}, "note": "program has no care messages ([care])"})
        day = business_date(as_of, zone(stored.program.timezone))

        def notices_of(uow: UnitOfWork, member: Member) -> list[Notice]:
            if member.joined_at > as_of:
                return []
            due = _care_due(uow, stored, care, day, as_of, member)
            return _signed(uow, stored, member, due) if due else []

        everyone = Candidates(everyone=True)
        queued = queue_notices(ctx, stored, as_of, state, tick, everyone, notices_of)
        return JobResult({"queued": queued})


def _care_due(
    uow: UnitOfWork, stored: StoredProgram, care: Care, day: date, as_of: datetime, member: Member
) -> list[Notice]:
    """The member's care messages of the day (the rules: `domain/care.py`)."""
    last = uow.notices.last_visit(stored.program_id, member.member_id, as_of) or member.joined_at
    return care_due(
        care,
        day,
        member.birthday,
        _truthy((member.attributes or {}).get(care.lunar_attribute)),
        business_date(last, zone(stored.program.timezone)),
        member.customer_class,
    )


def _signed(
    uow: UnitOfWork, stored: StoredProgram, member: Member, due: list[Notice]
) -> list[Notice]:
    """The notices with their wording and the signature of the member's guide."""
    guide = uow.guides.get(stored.program_id, member.guide_id) if member.guide_id else None
    sign_zh, sign_en = signature(stored.program.name, guide, member.store)
    return [
        Notice(
            n.kind,
            n.key,
            {
                **n.params,
                "signature": sign_zh,
                "signature_en": sign_en,
                **care_wording(n.kind, n.params),
            },
        )
        for n in due
    ]


register(SendCareMessages())
