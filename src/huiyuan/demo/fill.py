"""Filling one program through the same services as the API: guides, members as planned,
their receipts and a few returns, then the scheduled jobs as of now."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.calendar import zone
from ..domain.program import Activation, Program
from ..domain.statuses import MemberStatus
from ..errors import HuiyuanError
from ..services import checkout, members, returns
from ..services.context import Context
from ..services.inputs import MemberIn, PurchaseIn, ReturnIn
from .catalogue import STORES, Goods, Shape, to_money, typical_line
from .people import People
from .plan import Plan, Planner

MAX_PROBLEMS_LISTED = 5  # per program

# Scheduled jobs run as of now once a program is filled (those that exist), so that what the
# console shows is current: expired points gone, tiers and classes evaluated, tasks planned.
DEMO_JOBS = (
    "activate_pending",
    "expire_points",
    "evaluate_tiers",
    "classify_customers",
    "plan_service_tasks",
)


@dataclass
class DemoReport:
    programs: list[str] = field(default_factory=list)
    members: int = 0
    pending: int = 0
    receipts: int = 0
    returns: int = 0
    jobs: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    example: tuple[str, str] | None = None  # (program, phone) to try in the console
    example_rank: tuple[bool, int] = (False, 0)


class Filler:
    def __init__(
        self, ctx: Context, program: Program, rng: random.Random, now: datetime, report: DemoReport
    ):
        self.ctx = ctx
        self.program = program
        self.rng = rng
        self.now = now
        self.report = report
        self.tz = zone(program.timezone)
        self.shape = Shape.of(program)
        self.goods = Goods(self.shape)
        self.people = People(program, self.shape, rng, now, self.problem)
        self.planner = Planner(self.people)
        self.seq = 0
        self.member_ids: list[str] = []
        self.problem_count = 0
        self.yuan_per_point = self.shape.yuan_per_point
        self.yuan_per_point_lo = self.shape.yuan_per_point

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if self.problem_count <= MAX_PROBLEMS_LISTED:  # the first few per program say enough
            self.report.problems.append(f"{self.program.code}: {text}")

    def run(self, count: int, receipts_per_member: float) -> None:
        pending = self.program.membership.activation is Activation.PENDING
        self.people.guides = self.make_guides()
        plans = [self.planner.plan(i, count, receipts_per_member, pending) for i in range(count)]
        plans.sort(key=lambda p: p.joined_at)
        for plan in plans:
            self.enroll(plan)
        shoppers = [p for p in plans if p.member_id and p.moments]
        if shoppers:
            self.yuan_per_point, self.yuan_per_point_lo = self.measure_points(shoppers[0].member_id)
        for plan in shoppers:
            self.shop(plan)
        self.run_jobs()
        if self.problem_count > MAX_PROBLEMS_LISTED:
            more = self.problem_count - MAX_PROBLEMS_LISTED
            self.report.problems.append(f"{self.program.code}: {more} more problem(s) like these")
        self.offer_example(shoppers)

    def offer_example(self, shoppers: list[Plan]) -> None:
        """The example to try in the console: a regular of the program with the longest ladder."""
        regulars = [p for p in shoppers if p.data.get("phone")]
        if not regulars:
            return
        best = max(regulars, key=lambda p: (self.program.tier_index(p.tier) > 0, p.receipts))
        rank = (self.program.tier_index(best.tier) > 0, len(self.program.tiers))
        if rank > self.report.example_rank:
            self.report.example = (self.program.code, best.data["phone"])
            self.report.example_rank = rank

    def make_guides(self) -> dict[str, str]:
        """Shopping guides (导购) for a program that has them: guide id → store."""
        if self.program.guides is None:
            return {}
        from ..services import guides
        from ..services.inputs import GuideIn

        made: dict[str, str] = {}
        for i in range(self.rng.randint(4, 6)):
            data: dict[str, Any] = {
                "guide_id": f"G{i + 1:02d}",
                "name": self.people.chinese_name(self.rng.random() < 0.3),
                "store": self.rng.choice(STORES),
            }
            if self.shape.merchants:
                data["merchant"] = self.rng.choice(self.shape.merchants)
            try:
                guides.upsert_guide(self.ctx, self.program.code, GuideIn.model_validate(data))
            except (HuiyuanError, ValueError) as exc:
                self.problem(f"guide {data['guide_id']} refused: {_why(exc)}")
                continue
            made[data["guide_id"]] = data["store"]
        return made

    def enroll(self, plan: Plan) -> None:
        if self.member_ids and self.rng.random() < 0.08:  # referred by an earlier member
            plan.data["referrer_id"] = self.rng.choice(self.member_ids)
        try:
            result = members.enroll(
                self.ctx, self.program.code, MemberIn.model_validate(plan.data), "demo"
            )
        except (HuiyuanError, ValueError) as exc:
            self.problem(f"member {plan.data.get('name')} refused: {_why(exc)}")
            return
        plan.member_id = result["member_id"]
        self.member_ids.append(plan.member_id)
        self.report.members += 1
        if result["status"] != MemberStatus.PENDING:
            return
        if plan.stay_pending:
            self.report.pending += 1
            return
        at = plan.joined_at + timedelta(minutes=self.rng.randint(1, 4))
        try:
            members.activate(self.ctx, self.program.code, plan.member_id, at, "demo")
        except HuiyuanError as exc:
            self.problem(f"member {plan.member_id} not activated: {_why(exc)}")
            self.report.pending += 1

    # -- points per yuan

    def measure_points(self, member_id: str) -> tuple[float, float]:
        """Yuan per point on typical receipts, and on the category earning most per yuan.

        Found by quoting sample receipts (nothing is stored), so that members can be aimed
        at points-based tiers whatever the program's earning rules are.
        """
        paid, points = Decimal(0), 0
        best = math.inf
        for i, (label, lines) in enumerate(self.samples()):
            body = {
                "receipt_no": f"QUOTE-{i}",
                "member_id": member_id,
                "occurred_at": (self.now - timedelta(minutes=1)).isoformat(),
                "lines": lines,
            }
            try:
                answer = checkout.quote(
                    self.ctx, self.program.code, PurchaseIn.model_validate(body)
                )
            except (HuiyuanError, ValueError) as exc:
                self.problem(f"sample quote refused: {_why(exc)}")
                return self.shape.yuan_per_point, self.shape.yuan_per_point / 3
            earned = int(answer["points_earned"])
            if label == "mix":
                paid += Decimal(answer["totals"]["paid"])
                points += earned
            elif earned:
                best = min(best, float(answer["totals"]["paid"]) / earned)
        typical = float(paid) / points if points else math.inf
        return typical, min(best, typical)

    def samples(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Typical receipts ("mix") and one typical line of each category, with its own dice."""
        rng = random.Random(f"measure:{self.program.code}")
        samples: list[tuple[str, list[dict[str, Any]]]] = []
        for _ in range(12):
            amount = to_money(self.shape.typical_receipt * rng.lognormvariate(0, 0.6))
            samples.append(("mix", self.goods.lines(amount, rng)))
        for category in self.shape.categories:
            amount = to_money(typical_line(category))
            line = self.goods.line(1, float(amount), rng, category)
            line.pop("flags", None)
            line.pop("price", None)
            samples.append((category, [line]))
        return samples

    # -- receipts and returns

    def shop(self, plan: Plan) -> None:
        points_cap = self.planner.points_cap(plan.target)
        amounts = self.planner.amounts(plan, self.yuan_per_point)
        earned = 0
        for moment, amount in zip(plan.moments, amounts, strict=True):
            capped = self.below_points_cap(amount, points_cap, earned)
            if capped is not None:
                earned += self.buy(plan, moment, capped)

    def below_points_cap(self, amount: Decimal, points_cap: float, earned: int) -> Decimal | None:
        """Stays below a points-based tier: never spends more than a third of what the
        remaining points allow at the best earning rate (multipliers included); None when not
        even the cheapest goods fit."""
        if not math.isfinite(points_cap):
            return amount
        limit = (points_cap - 1 - earned) * self.yuan_per_point_lo / 3
        if limit < self.goods.cheapest:
            return None
        return min(amount, to_money(limit)) if math.isfinite(limit) else amount

    def buy(self, plan: Plan, moment: datetime, amount: Decimal) -> int:
        """One receipt through the till, and now and then a return of it; the points earned."""
        code = self.program.code
        self.seq += 1
        receipt_no = f"{code[:3].upper()}{moment.astimezone(self.tz):%y%m%d}-{self.seq:05d}"
        lines = self.goods.lines(amount, self.rng)
        body: dict[str, Any] = {
            "receipt_no": receipt_no,
            "member_id": plan.member_id,
            "occurred_at": moment.isoformat(),
            "store": plan.data.get("store"),
            "merchant": self.rng.choice(self.shape.merchants) if self.shape.merchants else None,
            # Card-less purchases only where the program asks nothing more (liquor wants card
            # number, name, phone and password).
            "card_presented": self.rng.random() > 0.02
            or bool(self.program.cards.cardless_requires),
            "lines": lines,
        }
        try:
            answer = checkout.commit(self.ctx, code, PurchaseIn.model_validate(body))
        except (HuiyuanError, ValueError) as exc:
            self.problem(f"receipt {receipt_no} refused: {_why(exc)}")
            return 0
        self.report.receipts += 1
        plan.receipts += 1
        plan.tier = str(answer.get("tier") or plan.tier)
        if self.rng.random() < 0.025:
            self.give_back(receipt_no, moment, lines)
        return int(answer["points_earned"])

    def give_back(self, receipt_no: str, sold_at: datetime, lines: list[dict[str, Any]]) -> None:
        at = sold_at + timedelta(days=self.rng.uniform(0.5, 10))
        if at >= self.now:
            return
        line = self.rng.choice(lines)
        qty = Decimal(line["qty"])
        if qty > 1 and qty == qty.to_integral_value():
            qty = Decimal(self.rng.randint(1, int(qty)))
        data = ReturnIn.model_validate(
            {
                "return_no": f"RT-{receipt_no}",
                "occurred_at": at.isoformat(),
                "lines": [{"line_no": line["line_no"], "qty": str(qty)}],
            }
        )
        try:
            returns.return_lines(self.ctx, self.program.code, receipt_no, data)
        except HuiyuanError as exc:
            self.problem(f"return of {receipt_no} refused: {_why(exc)}")
            return
        self.report.returns += 1

    def run_jobs(self) -> None:
        """The scheduled jobs as of now, so that balances, tiers and classes are current."""
        from ..jobs import JOBS, run_job

        for name in DEMO_JOBS:
            if name not in JOBS:
                continue
            try:
                run_job(self.ctx, self.program.code, name, self.now)
            except Exception as exc:  # a job's failure is reported, never hidden
                self.problem(f"job {name} failed: {_why(exc)}")
                continue
            self.report.jobs += 1


def _why(exc: Exception) -> str:
    if isinstance(exc, HuiyuanError):
        return f"{exc.code}: {exc.detail}"
    return str(exc).splitlines()[0]
