"""Tier reviews: measuring a member's metrics at a moment and deciding retention, downgrades
and time-driven upgrades (the evaluate_tiers job), and recording every tier change.

Each review is a function of what is recorded up to the moment it looks at, and it records its
outcome at a moment that later reviews read back (the tier's start, a kept card year), so a
second run as of the same moment finds nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.calendar import add_months, add_years, business_date, start_of_day, zone
from ..domain.metrics import TICK, Scope, measure
from ..domain.program import Program, ReviewKind
from ..domain.records.members import HistoryEntry, Member
from ..domain.statuses import MemberStatus
from ..domain.tiers import (
    MetricKey,
    explain,
    fall_target,
    holds_any,
    lower,
    needed,
    one_step_down,
    review_keys,
    snapshot,
    tier_met,
)
from ..store.repos.programs import StoredProgram
from ..store.uow import UnitOfWork
from . import ledger

JOB_ACTOR = "job:evaluate_tiers"


def change_tier(
    uow: UnitOfWork,
    program_id: int,
    member_id: str,
    old: str,
    new: str,
    reason: str,
    occurred_at: datetime,
    now: datetime,
    actor: str | None,
    **detail: Any,
) -> dict[str, str]:
    """Moves a member to another tier and records why (the history endpoint shows it)."""
    uow.members.update(program_id, member_id, tier=new, updated_at=now)
    uow.members.record(
        program_id,
        member_id,
        "tier_changed",
        {"from": old, "to": new, "reason": reason, **detail},
        actor,
        occurred_at,
        now,
    )
    return {"from": old, "to": new}


# ----------------------------------------------------------------------------- history reads


def tier_since(uow: UnitOfWork, program_id: int, member_id: str, upto: datetime) -> datetime:
    """When the tier held at `upto` began (or was last kept): the latest tier event by then."""
    events = [e for e in uow.lifecycle.tier_events(program_id, member_id) if e.occurred_at <= upto]
    if not events:
        row = uow.members.get(program_id, member_id)
        assert row is not None
        return row.joined_at
    return events[-1].occurred_at


def tier_as_of(
    uow: UnitOfWork,
    program: Program,
    program_id: int,
    member_id: str,
    at: datetime,
    events: list[HistoryEntry] | None = None,
) -> str:
    """The tier a member held at a moment, replayed from the tier history."""
    tier = program.first_tier
    if events is None:
        events = uow.lifecycle.tier_events(program_id, member_id)
    for event in events:
        if event.occurred_at > at:
            break
        detail = event.detail or {}
        if event.kind == "tier_changed":
            tier = detail.get("to", tier)
        elif event.kind in ("joined", "renewed"):
            tier = detail.get("tier", tier)
    return tier


def attributes_as_of(
    uow: UnitOfWork, program_id: int, member_id: str, at: datetime | None
) -> dict[str, Any]:
    """The member's attributes in effect at a moment (every change up to it, in time order);
    with no moment, after every recorded change."""
    values: dict[str, Any] = {}
    for event in uow.lifecycle.attribute_events(program_id, member_id):
        if at is not None and event.occurred_at > at:
            break
        for name, change in (event.detail or {}).get("changes", {}).items():
            if change.get("to") is None:
                values.pop(name, None)
            else:
                values[name] = change["to"]
    return values


# ----------------------------------------------------------------------------- measuring


@dataclass
class Measure:
    """Measures one member's metrics at a moment, from what is recorded up to it: the history
    the domain's metric table reads (`domain.metrics.History`), each read asked once."""

    uow: UnitOfWork
    stored: StoredProgram
    row: Member
    _spent: dict[tuple[datetime | None, datetime | None], tuple[Decimal, int]] = field(
        default_factory=dict
    )
    _attributes: dict[datetime, dict[str, Any]] = field(default_factory=dict)

    @property
    def program(self) -> Program:
        return self.stored.program

    def spend(self, since: datetime | None, until: datetime | None) -> tuple[Decimal, int]:
        """Paid money and receipts in [since, until), asked once per window (a window's spend
        and order count are one query)."""
        if (since, until) not in self._spent:
            pid, mid = self.stored.program_id, self.row.member_id
            self._spent[(since, until)] = self.uow.receipts.spend(pid, mid, since, until)
        return self._spent[(since, until)]

    def stored_value(self, at: datetime) -> Decimal:
        return self.uow.stored_value.balance_at(self.stored.program_id, self.row.member_id, at)

    def attributes(self, at: datetime) -> dict[str, Any]:
        if at not in self._attributes:
            pid, mid = self.stored.program_id, self.row.member_id
            self._attributes[at] = attributes_as_of(self.uow, pid, mid, at)
        return self._attributes[at]

    def network_points(self, at: datetime) -> int:
        return network_points(self.uow, self.stored, self.row, at)

    def values(
        self, keys: set[MetricKey], at: datetime, period_start: datetime | None = None
    ) -> dict[MetricKey, Decimal]:
        """`at` is the moment measured; period metrics (tier year, previous year) end at it
        (exclusive), point-in-time metrics include everything up to it."""
        scope = Scope(
            at=at,
            tz=zone(self.program.timezone),
            joined_at=self.row.joined_at,
            valid_until=self.row.valid_until,
            validity_months=self.program.membership.validity_months,
            points_earned_total=self.row.points_earned_total,
            period_start=period_start,
        )
        return measure(keys, scope, self)


def network_points(uow: UnitOfWork, stored: StoredProgram, row: Member, at: datetime) -> int:
    """Own points plus the points of every directly referred client who counts; a member who
    does not count himself (own points below the minimum, no active deposit) has none."""
    review = stored.program.tier_review
    pid = stored.program_id

    def own(member_id: str) -> int:
        return ledger.balance_as_of(uow, pid, member_id, at).points

    def counts(member_id: str, points: int) -> bool:
        if points < review.network_min_points:
            return False
        if review.network_requires_deposit:
            return uow.stored_value.balance_at(pid, member_id, at) > 0
        return True

    mine = own(row.member_id)
    if not counts(row.member_id, mine):
        return 0
    total = mine
    for referred in uow.lifecycle.referred(pid, row.member_id, at):
        if referred.status == MemberStatus.CANCELLED:
            continue
        theirs = own(referred.member_id)
        if counts(referred.member_id, theirs):
            total += theirs
    return total


# ----------------------------------------------------------------------------- reviews


@dataclass
class Outcome:
    changed: dict[str, str] | None = None
    kept: int = 0


def review(
    uow: UnitOfWork, stored: StoredProgram, member_id: str, as_of: datetime, now: datetime
) -> Outcome:
    """Reviews one (locked) member's tier as of a moment, as the program's tier_review says."""
    row = uow.members.get(stored.program_id, member_id, lock=True)
    if row is None or row.status != MemberStatus.ACTIVE:
        return Outcome()
    kind = stored.program.tier_review.kind
    if kind is ReviewKind.MET:
        return _met(uow, stored, row, as_of, now)
    if kind is ReviewKind.TIER_YEAR:
        return _tier_year(uow, stored, row, as_of, now)
    if kind is ReviewKind.ANNUAL_STEP:
        return _annual_step(uow, stored, row, as_of, now)
    return Outcome()


def _first_day(at: datetime, program: Program, months_back: int = 0) -> tuple[datetime, datetime]:
    """The start of the 1st of at's month (months_back earlier) and the last moment of that day:
    a level "fixed on the 1st" counts everything recorded on the 1st (deposit points credited by
    the morning's accrue_deposits run included) and is dated at its start."""
    tz = zone(program.timezone)
    first = add_months(business_date(at, tz).replace(day=1), -months_back)
    return start_of_day(first, tz), start_of_day(first + timedelta(days=1), tz) - TICK


def _met(
    uow: UnitOfWork, stored: StoredProgram, row: Member, as_of: datetime, now: datetime
) -> Outcome:
    program = stored.program
    policy = program.tier_review
    at, measured = _first_day(as_of, program) if policy.monthly else (as_of, as_of)
    keys = review_keys(program)
    measure = Measure(uow, stored, row)
    values = measure.values(keys, measured)
    met = tier_met(program, row.kind, values)
    current = row.tier
    if met == current:
        return Outcome()
    detail: dict[str, Any] = {"metrics": snapshot(values), "measured_at": measured.isoformat()}
    going_up = program.tier_index(met) > program.tier_index(current)
    if going_up and policy.upgrade_delay_months:
        _, earlier = _first_day(as_of, program, policy.upgrade_delay_months)
        before = measure.values(keys, earlier)
        met_then = tier_met(program, row.kind, before)
        target = lower(program, met, met_then)
        if program.tier_index(target) <= program.tier_index(current):
            return Outcome()  # met now, takes effect on a later 1st
        met = target
        detail["met_since"] = earlier.isoformat()
        detail["metrics_then"] = snapshot(before)
    why = (
        explain(program.tier(met).qualify_any, values)
        if going_up
        else _why_down(program, current, values)
    )
    changed = change_tier(
        uow,
        stored.program_id,
        row.member_id,
        current,
        met,
        "review" if going_up else "review_downgrade",
        at,
        now,
        JOB_ACTOR,
        explain=why,
        **detail,
    )
    return Outcome(changed)


def _why_down(program: Program, current: str, values: dict[MetricKey, Decimal]) -> list[str]:
    return explain(program.tier(current).qualify_any, values)


def _tier_year(
    uow: UnitOfWork, stored: StoredProgram, row: Member, as_of: datetime, now: datetime
) -> Outcome:
    """At each anniversary of the tier: kept for another card year when keep_any holds over the
    year that ended, else down to fall_to (the first tier unless the tier says otherwise)."""
    program = stored.program
    tier = program.tier(row.tier)
    if not tier.keep_any:
        return Outcome()
    tz = zone(program.timezone)
    pid, mid = stored.program_id, row.member_id
    since = tier_since(uow, pid, mid, as_of)
    measure = Measure(uow, stored, row)
    kept = 0
    while True:
        start_day = business_date(since, tz)
        ends = start_of_day(add_years(start_day, 1), tz)  # the start of the next card year
        if ends > as_of:
            return Outcome(None, kept)
        values = measure.values(needed(tier.keep_any), ends, period_start=since)
        why = explain(tier.keep_any, values)
        year = {
            "from": start_day.isoformat(),
            "through": (business_date(ends, tz) - timedelta(days=1)).isoformat(),
        }
        if holds_any(tier.keep_any, values):
            uow.members.record(
                pid,
                mid,
                "tier_kept",
                {"tier": row.tier, "reason": "tier_year", "card_year": year, "explain": why},
                JOB_ACTOR,
                ends,
                now,
            )
            kept += 1
            since = ends
            continue
        target = fall_target(program, row.tier)
        changed = change_tier(
            uow,
            pid,
            mid,
            row.tier,
            target,
            "tier_year",
            ends,
            now,
            JOB_ACTOR,
            card_year=year,
            explain=why,
            job_as_of=as_of.isoformat(),
        )
        return Outcome(changed, kept)


def _annual_step(
    uow: UnitOfWork, stored: StoredProgram, row: Member, as_of: datetime, now: datetime
) -> Outcome:
    """On the review date each year, a member whose spend in the year before is below the
    tier's keep_any drops one tier (one step only), unless the tier began on or after it."""
    program = stored.program
    policy = program.tier_review
    tier = program.tier(row.tier)
    if not tier.keep_any:
        return Outcome()
    tz = zone(program.timezone)
    today = business_date(as_of, tz)
    review_day = date(today.year, policy.month, policy.day)
    if review_day > today:
        review_day = date(today.year - 1, policy.month, policy.day)
    at = start_of_day(review_day, tz)
    pid, mid = stored.program_id, row.member_id
    if tier_since(uow, pid, mid, as_of) >= at:
        return Outcome()
    values = Measure(uow, stored, row).values(needed(tier.keep_any), at)
    why = explain(tier.keep_any, values)
    if holds_any(tier.keep_any, values):
        uow.members.record(
            pid,
            mid,
            "tier_kept",
            {
                "tier": row.tier,
                "reason": "annual_step",
                "review_date": review_day.isoformat(),
                "explain": why,
            },
            JOB_ACTOR,
            at,
            now,
        )
        return Outcome(None, 1)
    target = one_step_down(program, row.tier, row.kind)
    changed = change_tier(
        uow,
        pid,
        mid,
        row.tier,
        target,
        "annual_step",
        at,
        now,
        JOB_ACTOR,
        review_date=review_day.isoformat(),
        explain=why,
        job_as_of=as_of.isoformat(),
    )
    return Outcome(changed)
