"""Reminders a member is due as of a moment, under the program's `[reminders]`: pure rules.

- Expiry reminders N days before points expire (`expiry_days`, sales_points 30, 7 and 1): for
  each expiry moment of the member's points, the reminder of the smallest offset already
  reached (a run that missed the 30-day day sends the 7-day one, not both).
- Tier-change notices for every `tier_changed` in the member's history in the last
  `tier_change_days` (a purchase's upgrade or the `evaluate_tiers` job's change).
- Upgrade-possible notices (fashion) when the member becomes eligible to apply for a higher
  tier (its `application.requires_any` on cumulative points or spend), once per tier.
- Redemption-window notices (supermarket) while a window is open, once per window, to members
  holding at least `redemption_min_points` (default: the cheapest reward's price).
- Balance statements on `balance_day` (sales_points: the 8th), once per month.

A run decides its `ReminderPlan` once (what to look for today, and among whom: `Candidates`);
then each member's notices follow from `MemberFacts` read for that member. Each notice's key
makes it once per member and cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .calendar import business_date, zone
from .money import fmt
from .program import Metric, Program
from .records.members import Member
from .records.notify import TierChange
from .rewards import in_window


@dataclass(frozen=True, slots=True)
class Notice:
    """A message a member is due: its kind (the template), the key that makes it once per
    member and cause, and the template's parameters."""

    kind: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UpgradeTarget:
    """A tier a member may apply for once a cumulative metric reaches `threshold`."""

    index: int  # the tier's place on the ladder
    tier: str
    metric: Metric  # cumulative points or cumulative spend
    threshold: Decimal
    fee: Decimal


@dataclass(frozen=True, slots=True)
class Candidates:
    """Who may be due a notice: the union of these groups of members, looked up by the notice
    repository. Empty, nobody is: the run has nothing to do."""

    # Points alive at the first moment that expire by the second.
    expiring: tuple[datetime, datetime] | None = None
    tier_changed: tuple[datetime, datetime] | None = None  # a tier change in (first, second]
    points_earned_at_least: tuple[int, ...] = ()
    spend_at_least: tuple[Decimal, ...] = ()
    points_at_least: int | None = None
    everyone: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.expiring
            or self.tier_changed
            or self.points_earned_at_least
            or self.spend_at_least
            or self.points_at_least is not None
            or self.everyone
        )


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """What a run of `send_reminders` looks for, decided once from the program and the moment."""

    as_of: datetime
    day: date  # the business date of `as_of`
    zone: ZoneInfo
    expiry_days: tuple[int, ...]
    horizon: datetime | None  # expiry reminders: points expiring by then (none: off)
    tiers_since: datetime | None  # tier-change notices: changes after then (none: off)
    targets: tuple[UpgradeTarget, ...]  # upgrade notices (empty: off)
    window: tuple[date, date] | None  # the redemption window open today, if notices are on
    min_points: int  # a window notice goes to members holding this many points
    balance_day: bool  # balance statements go out today

    def candidates(self) -> Candidates:
        on_points = Metric.CUMULATIVE_POINTS
        return Candidates(
            expiring=(self.as_of, self.horizon) if self.horizon is not None else None,
            tier_changed=(self.tiers_since, self.as_of) if self.tiers_since is not None else None,
            points_earned_at_least=tuple(
                int(t.threshold) for t in self.targets if t.metric is on_points
            ),
            spend_at_least=tuple(t.threshold for t in self.targets if t.metric is not on_points),
            points_at_least=self.min_points if self.window is not None else None,
            everyone=self.balance_day,
        )

    def needs_spend(self, tier: int) -> bool:
        """True when an upgrade on cumulative spend is above the member's tier index: only
        then is the member's spend read."""
        return any(
            t.metric is not Metric.CUMULATIVE_POINTS and t.index > tier for t in self.targets
        )


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What one member's reminders are decided on, read by the job as of the plan's moment."""

    member: Member
    points: int  # the balance, expiry applied
    expiring: list[tuple[datetime, int]]  # (expires at, points), soonest first
    tier_changes: list[TierChange]  # in the plan's tier-change period
    spend: Decimal | None  # cumulative spend; read only when `needs_spend`


def plan_reminders(program: Program, as_of: datetime) -> ReminderPlan:
    cfg = program.reminders
    tz = zone(program.timezone)
    day = business_date(as_of, tz)
    return ReminderPlan(
        as_of=as_of,
        day=day,
        zone=tz,
        expiry_days=cfg.expiry_days,
        horizon=as_of + timedelta(days=max(cfg.expiry_days)) if cfg.expiry_days else None,
        tiers_since=as_of - timedelta(days=cfg.tier_change_days) if cfg.tier_changes else None,
        targets=upgrade_targets(program) if cfg.upgrade_notices else (),
        window=in_window(program.rewards.windows, day) if cfg.redemption_windows else None,
        min_points=window_min_points(program),
        balance_day=cfg.balance_day == day.day,
    )


def reminders_due(plan: ReminderPlan, program: Program, facts: MemberFacts) -> list[Notice]:
    """Every notice the member is due, in the order they are written."""
    return [
        *expiry_reminders(plan, facts.expiring),
        *tier_change_notices(plan, program, facts.tier_changes),
        *upgrade_notice(plan, program, facts.member, facts.spend),
        *window_notice(plan, facts.points),
        *balance_statement(plan, facts.points, facts.expiring),
    ]


# ----------------------------------------------------------------------------- expiry


def expiry_offset(expiry_days: tuple[int, ...], expires: datetime, as_of: datetime) -> int | None:
    """The smallest configured offset whose day has come (expires - N days ≤ as_of)."""
    reached = [d for d in expiry_days if expires - timedelta(days=d) <= as_of]
    return min(reached) if reached else None


def expiry_reminders(plan: ReminderPlan, expiring: list[tuple[datetime, int]]) -> list[Notice]:
    if plan.horizon is None:
        return []
    out: list[Notice] = []
    for expires, points in expiring:
        if points <= 0 or not plan.as_of < expires <= plan.horizon:
            continue
        offset = expiry_offset(plan.expiry_days, expires, plan.as_of)
        if offset is None:
            continue
        expires_day = business_date(expires, plan.zone)
        params = {
            "points": points,
            "last_day": (expires_day - timedelta(days=1)).isoformat(),
            "days": (expires_day - plan.day).days,
            "offset": offset,
        }
        out.append(Notice("expiry_reminder", f"expiry:{expires_day.isoformat()}:{offset}", params))
    return out


# ----------------------------------------------------------------------------- tiers


def tier_change_notices(
    plan: ReminderPlan, program: Program, changes: list[TierChange]
) -> list[Notice]:
    out: list[Notice] = []
    for change in changes:
        detail = change.detail or {}
        old, new = detail.get("from"), detail.get("to")
        if not old or not new or old == new:
            continue
        params = {
            "tier_from": program.tier(old).name,
            "tier_from_en": program.tier(old).name_en,
            "tier_to": program.tier(new).name,
            "tier_to_en": program.tier(new).name_en,
            "day": business_date(change.occurred_at, plan.zone).isoformat(),
            "direction": "up" if program.tier_index(new) > program.tier_index(old) else "down",
        }
        out.append(Notice("tier_changed", f"tier_changed:{change.history_id}", params))
    return out


def upgrade_targets(program: Program) -> tuple[UpgradeTarget, ...]:
    """The tiers a member may apply for on cumulative points or spend."""
    out: list[UpgradeTarget] = []
    for index, tier in enumerate(program.tiers):
        app = tier.application
        if app is None:
            continue
        for q in app.requires_any:
            if q.metric in (Metric.CUMULATIVE_POINTS, Metric.CUMULATIVE_SPEND):
                out.append(UpgradeTarget(index, tier.code, q.metric, q.at_least, app.fee))
    return tuple(out)


def best_upgrade(
    targets: tuple[UpgradeTarget, ...], tier: int, points_earned: int, spend: Decimal | None
) -> tuple[UpgradeTarget, Decimal] | None:
    """The highest tier above `tier` whose threshold the member reached, with the value that
    reached it (the first target listed wins between two for one tier)."""
    best: tuple[UpgradeTarget, Decimal] | None = None
    for target in targets:
        if target.index <= tier:
            continue
        on_points = target.metric is Metric.CUMULATIVE_POINTS
        value = Decimal(points_earned) if on_points else spend
        if value is None or value < target.threshold:
            continue
        if best is None or target.index > best[0].index:
            best = (target, value)
    return best


def upgrade_notice(
    plan: ReminderPlan, program: Program, member: Member, spend: Decimal | None
) -> list[Notice]:
    if not plan.targets:
        return []
    current = program.tier_index(member.tier)
    best = best_upgrade(plan.targets, current, int(member.points_earned_total), spend)
    if best is None:
        return []
    target, value = best
    tier = program.tier(target.tier)
    on_points = target.metric is Metric.CUMULATIVE_POINTS
    params = {
        "tier": tier.name,
        "tier_en": tier.name_en,
        "metric": "累计积分" if on_points else "累计消费",
        "metric_en": "cumulative points" if on_points else "cumulative spend",
        "value": str(int(value)) if on_points else fmt(value),
        "fee": fmt(target.fee),
    }
    return [Notice("upgrade_possible", f"upgrade:{target.tier}", params)]


# ----------------------------------------------------------------------------- redemption window


def window_min_points(program: Program) -> int:
    """The points a window notice needs: `redemption_min_points`, else the cheapest reward's
    price, else 1."""
    configured = program.reminders.redemption_min_points
    if configured is not None:
        return configured
    prices = [r.points for r in program.rewards.catalogue if r.points is not None]
    return min(prices) if prices else 1


def window_notice(plan: ReminderPlan, points: int) -> list[Notice]:
    if plan.window is None or points < plan.min_points:
        return []
    start, end = plan.window
    params = {"start": start.isoformat(), "end": end.isoformat(), "points": points}
    return [Notice("redemption_window", f"redemption:{start.isoformat()}", params)]


# ----------------------------------------------------------------------------- balances


def balance_statement(
    plan: ReminderPlan, points: int, expiring: list[tuple[datetime, int]]
) -> list[Notice]:
    if not plan.balance_day:
        return []
    day = plan.day
    month = f"{day.year}-{day.month:02d}"
    soonest_zh = soonest_en = ""
    if expiring:
        expires, soon = expiring[0]
        last = (business_date(expires, plan.zone) - timedelta(days=1)).isoformat()
        soonest_zh = f"其中 {soon} 积分有效期至 {last}。"
        soonest_en = f"{soon} of them are valid through {last}."
    params = {
        "points": points,
        "day": day.isoformat(),
        "month": month,
        "expiring": soonest_zh,
        "expiring_en": soonest_en,
    }
    return [Notice("balance_statement", f"balance:{month}", params)]
