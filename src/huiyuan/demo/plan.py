"""The plan of each member to be: when they joined, the tier their spending aims at, when they
shop and how much each receipt comes to, kept below the tiers above the one aimed at."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.calendar import zone
from ..domain.program import Metric, Qualification
from .catalogue import to_money
from .people import People

HISTORY_DAYS = 730  # receipts spread over the two years before now
PENDING_LEFT = 2  # members of an activation-by-staff program left pending (joined days ago)
TIER_MIX = (0.55, 0.25, 0.13, 0.07)  # share of members aimed at the 1st, 2nd, 3rd, 4th+ tier

SPEND_METRICS = {
    Metric.CUMULATIVE_SPEND,
    Metric.ANNUAL_SPEND,
    Metric.MEMBERSHIP_YEAR_SPEND,
    Metric.WINDOW_SPEND,
}
PURCHASE_METRICS = SPEND_METRICS | {
    Metric.WINDOW_ORDERS,
    Metric.SINGLE_RECEIPT,
    Metric.CUMULATIVE_POINTS,
}


@dataclass
class Plan:
    """One member to be: who they are, when they shop, and the tier their spending aims at."""

    data: dict[str, Any]
    joined_at: datetime
    moments: list[datetime] = field(default_factory=list)
    target: int = 0  # index of the tier the member's spending aims at
    appetite: float = 1.0  # how much more or less than a typical member they spend
    join_amount: Decimal | None = None  # the first receipt reaches the join condition
    stay_pending: bool = False
    member_id: str = ""
    tier: str = ""  # after their last receipt
    receipts: int = 0

    @property
    def span_days(self) -> float:
        if not self.moments:
            return 1.0
        return max(1.0, (self.moments[-1] - self.joined_at).total_seconds() / 86400)


class Planner:
    """Plans the members of one program with the program's seeded dice."""

    def __init__(self, people: People):
        self.people = people
        self.program = people.program
        self.rng = people.rng
        self.now = people.now
        self.tz = zone(self.program.timezone)

    # -- who joins when

    def plan(self, index: int, count: int, receipts_per_member: float, pending: bool) -> Plan:
        data = self.people.person(self.people.pick_kind())
        stay_pending = pending and index >= count - PENDING_LEFT
        span = self.history_days()
        joined_at = self.joined_at(span, stay_pending)
        data["joined_at"] = joined_at.isoformat()
        plan = Plan(data, joined_at, join_amount=self.people.join(data), stay_pending=stay_pending)
        if not stay_pending:
            self.aim(plan, span, receipts_per_member)
        return plan

    def history_days(self) -> int:
        """When members joined: anywhere in the two years; a program whose membership lasts a
        while mostly has members inside their term, and some who let it lapse."""
        months = self.program.membership.validity_months
        if months is not None and self.rng.random() < 0.8:
            return min(HISTORY_DAYS, months * 30 - 5)
        return HISTORY_DAYS

    def joined_at(self, span: int, stay_pending: bool) -> datetime:
        rng = self.rng
        days = rng.uniform(0.2, 4) if stay_pending else rng.uniform(6, span)
        joined_at = self.business_moment(self.now - timedelta(days=days))
        if joined_at >= self.now:
            joined_at = self.now - timedelta(hours=1)
        return joined_at

    def aim(self, plan: Plan, span: int, receipts_per_member: float) -> None:
        """The tier the member's spending aims at, their appetite, and when they shop."""
        rng = self.rng
        plan.target = self.pick_target_tier()
        plan.appetite = rng.lognormvariate(0, 0.5)
        # Receipts per member vary (a few regulars buy often); the mean stays as asked.
        n = max(1, round(receipts_per_member * rng.lognormvariate(-0.18, 0.6)))
        burst = self.burst(plan.target)
        if burst is not None:
            n = max(n, burst[0] + rng.randint(0, 3))
        n = min(n, self.orders_cap(plan.target, span))
        plan.moments = self.moments(plan.joined_at, n, burst, plan.data.get("birthday"))

    def pick_target_tier(self) -> int:
        """The tier a member's spending aims at, among those purchases can reach."""
        reachable = [0] + [
            i
            for i, tier in enumerate(self.program.tiers)
            if i > 0 and any(q.metric in PURCHASE_METRICS for q in tier.qualify_any)
        ]
        mix = list(TIER_MIX[: min(len(reachable), len(TIER_MIX))])
        chosen = self.rng.choices(range(len(mix)), weights=mix)[0]
        if chosen == len(TIER_MIX) - 1 and len(reachable) > len(TIER_MIX):
            chosen = self.rng.randrange(chosen, len(reachable))
        return reachable[chosen]

    def burst(self, target: int) -> tuple[int, int] | None:
        """For a tier that asks for orders in a window: (orders, the window's days)."""
        for q in self.qualifications(target):
            if q.metric is Metric.WINDOW_ORDERS and int(q.at_least) <= 80:
                return int(q.at_least) + self.rng.randint(1, 3), q.days or 365
        return None

    def qualifications(self, target: int) -> tuple[Qualification, ...]:
        return self.program.tiers[target].qualify_any if target else ()

    def orders_cap(self, target: int, span_days: float) -> int:
        """Fewer receipts than an order-count tier above the target asks for."""
        cap = 10**6
        for tier in self.program.tiers[target + 1 :]:
            for q in tier.qualify_any:
                if q.metric is Metric.WINDOW_ORDERS:
                    days = q.days or 365
                    cap = min(cap, int((int(q.at_least) - 1) * max(1.0, span_days / days)))
        return max(1, cap)

    # -- when

    def moments(
        self,
        joined_at: datetime,
        n: int,
        burst: tuple[int, int] | None,
        birthday: str | None,
    ) -> list[datetime]:
        rng = self.rng
        start = joined_at + timedelta(minutes=rng.randint(5, 40))
        end = self.now - timedelta(minutes=30)
        if start >= end:
            return []
        out = [start]  # the first purchase comes right after joining (the qualifying one)
        out += self.burst_moments(start, end, burst, n - 1)
        span = (end - start).total_seconds()
        out += [start + timedelta(seconds=rng.uniform(0, span)) for _ in range(n - len(out))]
        fixed = [out[0]]
        for m in out[1:]:
            candidate = self.business_moment(m)
            fixed.append(candidate if start < candidate < end else m)
        if birthday and len(fixed) > 1 and rng.random() < 0.25:
            fixed[-1] = self.on_birthday(birthday, start, end) or fixed[-1]
        return sorted(fixed)

    def burst_moments(
        self, start: datetime, end: datetime, burst: tuple[int, int] | None, most: int
    ) -> list[datetime]:
        """Up to `most` moments inside the order-count window that ends now."""
        if burst is None:
            return []
        orders, days = burst
        window_start = max(start, end - timedelta(days=days - 2))
        wspan = (end - window_start).total_seconds()
        return [
            window_start + timedelta(seconds=self.rng.uniform(0, wspan))
            for _ in range(min(orders, most))
        ]

    def business_moment(self, moment: datetime) -> datetime:
        """The same day at a plausible shop hour (09:00-21:30 local)."""
        local = moment.astimezone(self.tz)
        minutes = self.rng.randint(9 * 60, 21 * 60 + 30)
        return local.replace(
            hour=minutes // 60, minute=minutes % 60, second=self.rng.randint(0, 59)
        )

    def on_birthday(self, birthday: str, start: datetime, end: datetime) -> datetime | None:
        month, day = int(birthday[5:7]), int(birthday[8:10])
        for year in range(end.year, start.year - 1, -1):
            try:
                d = date(year, month, day)
            except ValueError:
                d = date(year, 2, 28)
            moment = self.business_moment(datetime(d.year, d.month, d.day, 12, tzinfo=self.tz))
            if start < moment < end:
                return moment
        return None

    # -- how much

    def amounts(self, plan: Plan, yuan_per_point: float) -> list[Decimal]:
        """What each receipt comes to: aimed at the target tier, kept below the ones above."""
        rng = self.rng
        n = len(plan.moments)
        budget = self.people.shape.typical_receipt * n * plan.appetite
        single: Decimal | None = None
        for q in self.qualifications(plan.target):
            aimed = self.aim_at(q, plan.span_days, yuan_per_point, budget)
            if aimed is not None:
                budget, single = aimed
                break
        total_cap, receipt_cap = self.spend_caps(plan.target, plan.span_days)
        budget = min(budget, total_cap)
        weights = [rng.lognormvariate(0, 0.55) for _ in range(n)]
        scale = budget / sum(weights)
        out = [to_money(min(receipt_cap, max(5.0, scale * w))) for w in weights]
        if single is not None:
            out[rng.randrange(n)] = single
        if plan.join_amount is not None:
            out[0] = max(out[0], plan.join_amount)
        return out

    def aim_at(
        self, q: Qualification, span: float, yuan_per_point: float, budget: float
    ) -> tuple[float, Decimal | None] | None:
        """(the total budget, one receipt's amount or None) that meet a qualification; None
        for a qualification that purchases do not aim at."""
        rng = self.rng
        metric, need = q.metric, float(q.at_least)
        if metric is Metric.CUMULATIVE_SPEND:
            return need * rng.uniform(1.1, 1.5), None
        if metric in SPEND_METRICS:  # within a year or a window
            return need * max(1.0, span / (q.days or 365)) * rng.uniform(1.15, 1.4), None
        if metric is Metric.SINGLE_RECEIPT:
            return budget, to_money(need * rng.uniform(1.0, 1.2))
        if metric is Metric.CUMULATIVE_POINTS and math.isfinite(yuan_per_point):
            return need * yuan_per_point * rng.uniform(1.2, 1.6), None
        return None

    def spend_caps(self, target: int, span: float) -> tuple[float, float]:
        """(total, one receipt): below what the spend tiers above the target ask for."""
        total_cap, receipt_cap = math.inf, math.inf
        for tier in self.program.tiers[target + 1 :]:
            for q in tier.qualify_any:
                metric, need = q.metric, float(q.at_least)
                if metric is Metric.CUMULATIVE_SPEND:
                    total_cap = min(total_cap, need * 0.85)
                elif metric in SPEND_METRICS:
                    total_cap = min(total_cap, need * 0.85 * max(1.0, span / (q.days or 365)))
                elif metric is Metric.SINGLE_RECEIPT:
                    receipt_cap = min(receipt_cap, need * 0.9)
        return total_cap, receipt_cap

    def points_cap(self, target: int) -> float:
        """Fewer points than a points-based tier above the target asks for."""
        cap = math.inf
        for tier in self.program.tiers[target + 1 :]:
            for q in tier.qualify_any:
                if q.metric is Metric.CUMULATIVE_POINTS:
                    cap = min(cap, float(q.at_least))
        return cap
