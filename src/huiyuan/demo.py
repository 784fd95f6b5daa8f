"""The demo database: every preset loaded, realistic members and receipts over two years.

Nothing here knows a scheme by name. Member data is built from each program's ``membership``
terms (kinds, required fields, ID types, join conditions, staff rule); categories and line
flags come from the program's own rule conditions; spending is aimed at the program's tier
thresholds so that every ladder has members on several rungs. All of it goes through the same
services as the API. A seeded ``random.Random`` per program makes the data reproducible
(relative to the moment the demo is built); identifiers the services mint are random.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy.engine import make_url

from .domain.calendar import zone
from .domain.identity import normalize_mobile, normalize_resident_id
from .domain.program import Program
from .errors import Conflict, HuiyuanError
from .presets.loader import ProgramFileInvalid, load_preset, preset_codes
from .services import checkout, members, programs, returns, tokens
from .services.context import Context
from .services.inputs import MemberIn, PurchaseIn, ReturnIn
from .store.db import normalize_url

DEFAULT_MEMBERS = 300  # in total, shared evenly among the programs
DEFAULT_RECEIPTS = 3000  # in total
DEFAULT_SEED = 8888
HISTORY_DAYS = 730  # receipts spread over the two years before now
MAX_PROBLEMS_LISTED = 5  # per program
PENDING_LEFT = 2  # members of an activation-by-staff program left pending (joined days ago)

CENT = Decimal("0.01")

# ----------------------------------------------------------------------------- people

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
RARE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国峰志文博晨皓轩睿哲"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂英秀兰婷雪琳晶颖慧倩欣悦怡佳梦思雨萱涵琪瑶璐月洁蕾红梅"

# Places whose 行政区划代码 are valid for every birth year (others are tried with a fallback).
PLACES = (
    ("110101", "北京市东城区"),
    ("110105", "北京市朝阳区"),
    ("110108", "北京市海淀区"),
    ("310101", "上海市黄浦区"),
    ("310104", "上海市徐汇区"),
    ("120101", "天津市和平区"),
    ("420106", "湖北省武汉市武昌区"),
    ("440106", "广东省广州市天河区"),
    ("440304", "广东省深圳市福田区"),
    ("330106", "浙江省杭州市西湖区"),
    ("320102", "江苏省南京市玄武区"),
    ("510104", "四川省成都市锦江区"),
    ("430102", "湖南省长沙市芙蓉区"),
    ("610113", "陕西省西安市雁塔区"),
)
ROADS = (
    "中山路",
    "解放大道",
    "人民路",
    "建设路",
    "和平街",
    "长江路",
    "光明路",
    "友谊大街",
    "新华路",
    "文化路",
)
COMPANY_WORDS = ("鑫源", "华盛", "恒通", "瑞丰", "金诚", "宏达", "永信", "天和", "嘉禾", "博远")
COMPANY_KINDS = ("贸易有限公司", "科技有限公司", "餐饮管理有限公司", "建设工程有限公司", "商贸行")
MOBILE_PREFIXES = (
    tuple(f"13{d}" for d in range(10))
    + tuple(f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9))
    + tuple(f"18{d}" for d in range(10))
)

# ----------------------------------------------------------------------------- goods

# Category families as SCHEMES.md names them; a program's categories pick the family it sells.
FAMILIES: tuple[tuple[str, ...], ...] = (
    ("food", "fresh", "daily", "tobacco", "alcohol", "appliance", "clothing"),
    ("wine", "spirits"),
    ("apparel", "leather", "mink"),
    (
        "diamond",
        "jade",
        "k_gold",
        "gold_inlaid_jade",
        "pure_gold",
        "fine_gold",
        "platinum",
        "palladium",
        "silver",
        "silver_one_price",
    ),
)
GENERIC = ("food", "fresh", "daily", "clothing", "appliance")
# Unit price range (yuan) per category; goods sold by weight have a price per gram instead.
PRICES: dict[str, tuple[int, int]] = {
    "food": (3, 60),
    "fresh": (8, 90),  # per kg, sold by weight in kg
    "daily": (5, 150),
    "tobacco": (15, 100),
    "alcohol": (30, 800),
    "appliance": (199, 6999),
    "clothing": (49, 899),
    "wine": (68, 2600),
    "spirits": (98, 3500),
    "apparel": (129, 1899),
    "leather": (399, 4999),
    "mink": (6800, 39800),
    "diamond": (2999, 49999),
    "jade": (880, 29800),
    "k_gold": (599, 8999),
    "gold_inlaid_jade": (899, 12800),
    "silver_one_price": (129, 899),
}
PER_GRAM: dict[str, tuple[int, int, int, int]] = {  # price/g low, high; grams low, high
    "pure_gold": (480, 620, 2, 40),
    "fine_gold": (520, 720, 2, 30),
    "platinum": (260, 380, 2, 20),
    "palladium": (220, 320, 2, 20),
    "silver": (6, 12, 10, 300),
}
DEFAULT_PRICE = (10, 300)
SKU_NAMES_PER_CATEGORY = 40
PRICE_RATIOS = (
    Decimal("0.95"),
    Decimal("0.90"),
    Decimal("0.85"),
    Decimal("0.80"),
    Decimal("0.70"),
    Decimal("0.60"),
    Decimal("0.50"),
    Decimal("0.40"),
)
STORES = ("S01", "S02", "S03", "S05", "S08")
MERCHANTS = ("M001", "M002", "M003", "M004")
TIER_MIX = (0.55, 0.25, 0.13, 0.07)  # share of members aimed at the 1st, 2nd, 3rd, 4th+ tier

# Scheduled jobs run as of now once a program is filled (those that exist), so that what the
# console shows is current: expired points gone, tiers and classes evaluated, tasks planned.
DEMO_JOBS = (
    "activate_pending",
    "expire_points",
    "evaluate_tiers",
    "classify_customers",
    "plan_service_tasks",
)

SPEND_METRICS = {"cumulative_spend", "annual_spend", "membership_year_spend", "window_spend"}
PURCHASE_METRICS = SPEND_METRICS | {"window_orders", "single_receipt", "cumulative_points"}


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


class DemoFailed(RuntimeError):
    pass


# ----------------------------------------------------------------------------- entry point


def build_demo(
    url: str,
    *,
    members: int | None = None,
    receipts: int | None = None,
    seed: int = DEFAULT_SEED,
    strict: bool = False,
    echo: bool = True,
) -> tuple[Context, str]:
    """A fresh demo database at `url`; returns the context and a new admin token.

    `members` and `receipts` are totals over all programs; left out, they are the defaults
    times `HUIYUAN_DEMO_SCALE` (default 1; tests use a fraction). With `strict`, anything that
    could not be built (a preset that fails to load, a member the engine refused) raises
    `DemoFailed`; otherwise it is printed, never skipped silently.
    """
    from .bootstrap import make_context
    from .settings import get_settings

    scale = _scale()
    members = members if members is not None else max(1, round(DEFAULT_MEMBERS * scale))
    receipts = receipts if receipts is not None else max(1, round(DEFAULT_RECEIPTS * scale))
    console = Console(highlight=False, quiet=not echo)
    started = time.perf_counter()
    _reset_sqlite_file(url)
    ctx = make_context(get_settings(), url, migrate=True)
    if programs.list_programs(ctx):
        raise Conflict(
            "演示需要一个空数据库 / the demo needs an empty database "
            "(SQLite files are recreated; empty this one first)",
            code="database_not_empty",
        )
    report = populate(ctx, members=members, receipts=receipts, seed=seed, console=console)
    token = tokens.create_token(ctx, "admin", "demo-admin")
    report.seconds = time.perf_counter() - started
    console.print(
        f"[green]演示数据 / demo data:[/] {len(report.programs)} 个方案 programs, "
        f"{report.members} 位会员 members ({report.pending} 待开通 pending), "
        f"{report.receipts} 张小票 receipts, {report.returns} 笔退货 returns, "
        f"{report.jobs} 次定时任务 job runs in {report.seconds:.1f} s",
        soft_wrap=True,
    )
    if report.example:
        console.print(
            f"试试 / try: 方案 program [bold]{report.example[0]}[/], "
            f"手机号 phone [bold]{report.example[1]}[/]",
            soft_wrap=True,
        )
    if report.problems:
        errors = Console(stderr=True, highlight=False, quiet=not echo)
        errors.print(f"{len(report.problems)} 个问题 / problem(s):", style="bold red")
        for problem in report.problems[:30]:
            errors.print(f"  {problem}", style="red", markup=False, soft_wrap=True)
        if strict:
            raise DemoFailed("; ".join(report.problems[:10]))
    return ctx, token


def _scale() -> float:
    raw = os.environ.get("HUIYUAN_DEMO_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not 0 < scale <= 10:
        raise ValueError(f"HUIYUAN_DEMO_SCALE must be a number in (0, 10], not {raw!r}")
    return scale


def _reset_sqlite_file(url: str) -> None:
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database or "")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)


def populate(
    ctx: Context,
    *,
    members: int = DEFAULT_MEMBERS,
    receipts: int = DEFAULT_RECEIPTS,
    seed: int = DEFAULT_SEED,
    console: Console | None = None,
) -> DemoReport:
    """Loads every preset and fills each program with members and receipts."""
    from rich.progress import Progress

    console = console or Console(quiet=True)
    report = DemoReport()
    codes = preset_codes()
    loaded: list[Program] = []
    for code in codes:
        try:
            program = load_preset(code)
            programs.load(ctx, program, None, f"preset:{code}", replace=False)
        except (ProgramFileInvalid, HuiyuanError) as exc:
            report.problems.append(f"preset {code} not loaded: {exc}")
            continue
        loaded.append(program)
        report.programs.append(program.code)
    if not loaded:
        return report
    per_program = max(4, members // len(loaded))
    receipts_per_member = max(1.0, receipts / (per_program * len(loaded)))
    now = ctx.now()
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("演示数据 / demo data", total=len(loaded))
        for program in loaded:
            bar.update(task, description=f"{program.code} {program.name}")
            rng = random.Random(f"{seed}:{program.code}")
            _Filler(ctx, program, rng, now, report).run(per_program, receipts_per_member)
            bar.advance(task)
    return report


# ----------------------------------------------------------------------------- reading a program


def _walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair in a program's JSON dump, at any depth."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield str(k), v
            yield from _walk(v, str(k))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item, key)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


@dataclass
class Shape:
    """What a program's data says about the goods and people it deals with."""

    categories: tuple[str, ...]
    flags: tuple[str, ...]
    group_levels: tuple[str, ...]
    merchants: tuple[str, ...] | None  # None: the program has no notion of merchants
    member_price: bool
    yuan_per_point: float
    typical_receipt: float

    @classmethod
    def of(cls, program: Program) -> Shape:
        dump = program.model_dump(mode="json")
        named: set[str] = set()
        flags: set[str] = set()
        levels: set[str] = set()
        merchants: set[str] = set()
        mentions_merchant = False
        member_price = False
        for key, value in _walk(dump):
            lowered = key.lower()
            if "categor" in lowered:
                named.update(_strings(value))
            elif "flag" in lowered:
                flags.update(_strings(value))
            elif lowered.endswith("by_group_level") and isinstance(value, dict):
                levels.update(str(k) for k in value)
            if "merchant" in lowered:
                mentions_merchant = True
                merchants.update(_strings(value))
            if lowered == "kind" and value == "member_price":
                member_price = True
        categories = _categories_for(named)
        return cls(
            categories=categories,
            flags=tuple(sorted(flags)),
            group_levels=tuple(sorted(levels)) or ("1",),
            merchants=(tuple(sorted(merchants)) or MERCHANTS) if mentions_merchant else None,
            member_price=member_price,
            yuan_per_point=_yuan_per_point(program),
            typical_receipt=_typical_receipt(categories),
        )


def _categories_for(named: set[str]) -> tuple[str, ...]:
    """The family of SCHEMES.md categories that overlaps the program's most, plus its own."""
    best: tuple[str, ...] = ()
    overlap = 0
    for family in FAMILIES:
        n = len(named & set(family))
        if n > overlap:
            best, overlap = family, n
    base = best or GENERIC
    return tuple(dict.fromkeys([*base, *sorted(named)]))


def _yuan_per_point(program: Program) -> float:
    """A rough price of one point, to aim members at points-based tiers."""
    guesses: list[float] = []
    for rule in program.earning.rules:
        if rule.per is not None and rule.points:
            guesses.append(float(rule.per) / rule.points)
        for band in rule.bands:
            if band.rate > 0:
                guesses.append(1 / float(band.rate))
        if rule.base_rate is not None and rule.base_rate > 0:
            guesses.append(1 / float(rule.base_rate))
    if not guesses:
        return 1.0
    guesses.sort()
    return guesses[len(guesses) // 2]


def _typical_line(category: str) -> float:
    if category in PER_GRAM:
        lo, hi, g_lo, g_hi = PER_GRAM[category]
        return math.sqrt(lo * hi) * math.sqrt(g_lo * g_hi)
    lo, hi = PRICES.get(category, DEFAULT_PRICE)
    return math.sqrt(lo * hi)


def _lowest_price(category: str) -> float:
    if category in PER_GRAM:
        return PER_GRAM[category][0] * PER_GRAM[category][2]
    return PRICES.get(category, DEFAULT_PRICE)[0]


def _typical_receipt(categories: tuple[str, ...]) -> float:
    logs = [math.log(_typical_line(c)) for c in categories]
    return math.exp(sum(logs) / len(logs)) * 2.2


# ----------------------------------------------------------------------------- filling one program


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


class _Filler:
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
        self.phones: set[str] = set()
        self.seq = 0
        self.member_ids: list[str] = []
        self.problem_count = 0
        self.guides: dict[str, str] = {}
        self.cheapest = min(_lowest_price(c) for c in self.shape.categories)
        self.yuan_per_point = self.shape.yuan_per_point
        self.yuan_per_point_lo = self.shape.yuan_per_point

    # -- bookkeeping

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if self.problem_count <= MAX_PROBLEMS_LISTED:  # the first few per program say enough
            self.report.problems.append(f"{self.program.code}: {text}")

    # -- the run

    def run(self, count: int, receipts_per_member: float) -> None:
        terms = self.program.membership
        pending = str(terms.activation) == "pending"
        self.guides = self.make_guides()
        plans = [self.plan(i, count, receipts_per_member, pending) for i in range(count)]
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
        # The example to try in the console: a regular of the program with the longest ladder.
        regulars = [p for p in shoppers if p.data.get("phone")]
        if regulars:
            best = max(regulars, key=lambda p: (self.program.tier_index(p.tier) > 0, p.receipts))
            rank = (self.program.tier_index(best.tier) > 0, len(self.program.tiers))
            if rank > self.report.example_rank:
                self.report.example = (self.program.code, best.data["phone"])
                self.report.example_rank = rank

    def plan(self, index: int, count: int, receipts_per_member: float, pending: bool) -> Plan:
        rng = self.rng
        kind = self.pick_kind()
        data = self.person(kind)
        stay_pending = pending and index >= count - PENDING_LEFT
        # When they joined: anywhere in the two years; a program whose membership lasts a
        # while mostly has members inside their term, and some who let it lapse.
        span = HISTORY_DAYS
        months = self.program.membership.validity_months
        if months is not None and rng.random() < 0.8:
            span = min(span, months * 30 - 5)
        if stay_pending:
            joined_at = self.now - timedelta(days=rng.uniform(0.2, 4))
        else:
            joined_at = self.now - timedelta(days=rng.uniform(6, span))
        joined_at = self.business_moment(joined_at)
        if joined_at >= self.now:
            joined_at = self.now - timedelta(hours=1)
        data["joined_at"] = joined_at.isoformat()
        plan = Plan(data, joined_at, join_amount=self.join(data), stay_pending=stay_pending)
        if stay_pending:
            return plan
        plan.target = self.pick_target_tier()
        plan.appetite = rng.lognormvariate(0, 0.5)
        # Receipts per member vary (a few regulars buy often); the mean stays as asked.
        n = max(1, round(receipts_per_member * rng.lognormvariate(-0.18, 0.6)))
        burst: tuple[int, int] | None = None
        for q in self.program.tiers[plan.target].qualify_any if plan.target else ():
            if str(q.metric) == "window_orders" and int(q.at_least) <= 80:
                orders = int(q.at_least) + rng.randint(1, 3)
                burst = (orders, q.days or 365)
                n = max(n, orders + rng.randint(0, 3))
                break
        n = min(n, self.orders_cap(plan.target, span))
        plan.moments = self.moments(joined_at, n, burst, data.get("birthday"))
        return plan

    def orders_cap(self, target: int, span_days: float) -> int:
        """Fewer receipts than an order-count tier above the target asks for."""
        cap = 10**6
        for tier in self.program.tiers[target + 1 :]:
            for q in tier.qualify_any:
                if str(q.metric) == "window_orders":
                    days = q.days or 365
                    cap = min(cap, int((int(q.at_least) - 1) * max(1.0, span_days / days)))
        return max(1, cap)

    def amounts(self, plan: Plan) -> list[Decimal]:
        """What each receipt comes to: aimed at the target tier, kept below the ones above."""
        rng = self.rng
        n = len(plan.moments)
        span = plan.span_days
        budget = self.shape.typical_receipt * n * plan.appetite
        single: Decimal | None = None
        for q in self.program.tiers[plan.target].qualify_any if plan.target else ():
            metric, need = str(q.metric), float(q.at_least)
            if metric == "cumulative_spend":
                budget = need * rng.uniform(1.1, 1.5)
            elif metric in SPEND_METRICS:  # within a year or a window
                budget = need * max(1.0, span / (q.days or 365)) * rng.uniform(1.15, 1.4)
            elif metric == "single_receipt":
                single = _money(need * rng.uniform(1.0, 1.2))
            elif metric == "cumulative_points" and math.isfinite(self.yuan_per_point):
                budget = need * self.yuan_per_point * rng.uniform(1.2, 1.6)
            else:
                continue
            break
        total_cap, receipt_cap = math.inf, math.inf
        for tier in self.program.tiers[plan.target + 1 :]:
            for q in tier.qualify_any:
                metric, need = str(q.metric), float(q.at_least)
                if metric == "cumulative_spend":
                    total_cap = min(total_cap, need * 0.85)
                elif metric in SPEND_METRICS:
                    total_cap = min(total_cap, need * 0.85 * max(1.0, span / (q.days or 365)))
                elif metric == "single_receipt":
                    receipt_cap = min(receipt_cap, need * 0.9)
        budget = min(budget, total_cap)
        weights = [rng.lognormvariate(0, 0.55) for _ in range(n)]
        scale = budget / sum(weights)
        out = [_money(min(receipt_cap, max(5.0, scale * w))) for w in weights]
        if single is not None:
            out[rng.randrange(n)] = single
        if plan.join_amount is not None:
            out[0] = max(out[0], plan.join_amount)
        return out

    def points_cap(self, target: int) -> float:
        """Fewer points than a points-based tier above the target asks for."""
        cap = math.inf
        for tier in self.program.tiers[target + 1 :]:
            for q in tier.qualify_any:
                if str(q.metric) == "cumulative_points":
                    cap = min(cap, float(q.at_least))
        return cap

    def measure_points(self, member_id: str) -> tuple[float, float]:
        """Yuan per point on typical receipts, and on the category earning most per yuan.

        Found by quoting sample receipts (nothing is stored), so that members can be aimed
        at points-based tiers whatever the program's earning rules are.
        """
        rng = random.Random(f"measure:{self.program.code}")
        samples: list[tuple[str, list[dict[str, Any]]]] = []
        for _ in range(12):
            amount = _money(self.shape.typical_receipt * rng.lognormvariate(0, 0.6))
            samples.append(("mix", self.lines(amount, rng)))
        for category in self.shape.categories:
            amount = _money(_typical_line(category))
            line = self.line(1, float(amount), rng, category)
            line.pop("flags", None)
            line.pop("price", None)
            samples.append((category, [line]))
        paid, points = Decimal(0), 0
        best = math.inf
        for i, (label, lines) in enumerate(samples):
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

    # -- people

    def pick_kind(self) -> str:
        kinds = list(self.program.membership.kinds)
        roll = self.rng.random()
        if "unit" in kinds and roll < 0.08:
            return "unit"
        if "group" in kinds and 0.08 <= roll < 0.13:
            return "group"
        if "personal" in kinds:
            return "personal"
        return self.rng.choice(kinds)

    def pick_target_tier(self) -> int:
        """The tier a member's spending aims at, among those purchases can reach."""
        reachable = [0] + [
            i
            for i, tier in enumerate(self.program.tiers)
            if i > 0 and any(str(q.metric) in PURCHASE_METRICS for q in tier.qualify_any)
        ]
        mix = list(TIER_MIX[: min(len(reachable), len(TIER_MIX))])
        chosen = self.rng.choices(range(len(mix)), weights=mix)[0]
        if chosen == len(TIER_MIX) - 1 and len(reachable) > len(TIER_MIX):
            chosen = self.rng.randrange(chosen, len(reachable))
        return reachable[chosen]

    def chinese_name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.02 else rng.choice(SURNAMES)
        given = GIVEN_MALE if male else GIVEN_FEMALE
        return surname + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))

    def make_guides(self) -> dict[str, str]:
        """Shopping guides (导购) for a program that has them: guide id → store."""
        if getattr(self.program, "guides", None) is None:
            return {}
        from .services import guides
        from .services.inputs import GuideIn

        made: dict[str, str] = {}
        for i in range(self.rng.randint(4, 6)):
            data: dict[str, Any] = {
                "guide_id": f"G{i + 1:02d}",
                "name": self.chinese_name(self.rng.random() < 0.3),
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

    def run_jobs(self) -> None:
        """The scheduled jobs as of now, so that balances, tiers and classes are current."""
        from .jobs import JOBS, run_job

        for name in DEMO_JOBS:
            if name not in JOBS:
                continue
            try:
                run_job(self.ctx, self.program.code, name, self.now)
            except Exception as exc:  # a job's failure is reported, never hidden
                self.problem(f"job {name} failed: {_why(exc)}")
                continue
            self.report.jobs += 1

    def person(self, kind: str) -> dict[str, Any]:
        rng = self.rng
        terms = self.program.membership
        required = set(terms.required_fields)
        min_age = max(18, terms.min_age or 0)
        data: dict[str, Any] = {"kind": kind, "phone": self.phone(), "store": rng.choice(STORES)}
        if self.shape.merchants is not None:
            data["merchant"] = rng.choice(self.shape.merchants)
        if self.guides and rng.random() < 0.85:  # opened by a guide, who owns the member
            data["guide_id"] = rng.choice(sorted(self.guides))
            data["store"] = self.guides[data["guide_id"]]
        if kind == "unit":  # a unit joins with its name and phone only
            place = rng.choice(PLACES)[1]
            city = place[3:5] if place[2] == "省" else place[:2]
            data["name"] = city + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)
            return data
        male = rng.random() < 0.45
        data["name"] = self.chinese_name(male)
        age_days = rng.randint(min_age * 366 + 30, 72 * 365)
        born = (self.now - timedelta(days=age_days)).date()
        data["birthday"] = born.isoformat()
        if kind == "group":
            data["group_level"] = rng.choice(self.shape.group_levels)
        if terms.staff_may_join and rng.random() < 0.02:
            data["is_staff"] = True
        place_code, place_name = rng.choice(PLACES)
        if "id_number" in required or rng.random() < 0.6:
            id_types = list(terms.id_types) or ["resident_id"]
            if "resident_id" in id_types and (len(id_types) == 1 or rng.random() < 0.9):
                id_type = "resident_id"
            else:
                id_type = rng.choice([t for t in id_types if t != "resident_id"] or id_types)
            data["id_type"] = id_type
            data["id_number"] = self.id_number(id_type, born, male, place_code)
        if "address" in required or rng.random() < 0.4:
            data["address"] = (
                f"{place_name}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
                f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 2804)}室"
            )
        if "anniversary" in required or rng.random() < 0.15:
            wed = born + timedelta(days=rng.randint(22 * 365, 40 * 365))
            if wed >= self.now.date():
                wed = born + timedelta(days=22 * 365)
            data["anniversary"] = wed.isoformat()
        if rng.random() < 0.05:
            data["card_password"] = f"{rng.randint(0, 999999):06d}"
        for f in required:
            if not data.get(f):
                self.problem(f"the demo cannot fill required field {f!r}")
        return data

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones and normalize_mobile(number) == number:
                self.phones.add(number)
                return number

    def id_number(self, id_type: str, born: date, male: bool, place: str) -> str:
        rng = self.rng
        if id_type == "resident_id":
            from stdnum.cn import ric

            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
            for code in (place, *[p for p, _ in PLACES[:6]]):  # the first six are always valid
                body = f"{code}{born:%Y%m%d}{seq:03d}"
                number = body + ric.calc_check_digit(body + "0")
                if normalize_resident_id(number) == number:
                    return number
            raise AssertionError("no valid 身份证 number")  # pragma: no cover
        if id_type == "passport":
            return "E" + f"{rng.randrange(10**8):08d}"
        if id_type == "student":
            return f"{born.year + 18}{rng.randrange(10**8):08d}"
        if id_type == "military":
            return "军字第" + f"{rng.randrange(10**7):07d}" + "号"
        return "H" + f"{rng.randrange(10**8):08d}"

    def join(self, data: dict[str, Any]) -> Decimal | None:
        """Meets one of the program's join conditions; the amount the first receipt must reach."""
        options = list(self.program.membership.join_any)
        if not options or any(str(c.kind) == "any" for c in options):
            return None
        cond = self.rng.choice(options)
        kind = str(cond.kind)
        if kind == "fee":
            data["fee_paid"] = str(cond.amount)
            return None
        if kind in ("receipt_at_least", "same_day_spend_at_least"):
            spend = _money(float(cond.amount) * self.rng.uniform(1.0, 1.8))
            data["qualifying_spend"] = str(spend)
            return spend
        # A join condition this demo does not know: offer both, and say so if refused.
        data["fee_paid"] = str(cond.amount)
        data["qualifying_spend"] = str(cond.amount)
        return cond.amount

    # -- when and how much

    def business_moment(self, moment: datetime) -> datetime:
        """The same day at a plausible shop hour (09:00-21:30 local)."""
        local = moment.astimezone(self.tz)
        minutes = self.rng.randint(9 * 60, 21 * 60 + 30)
        return local.replace(
            hour=minutes // 60, minute=minutes % 60, second=self.rng.randint(0, 59)
        )

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
        span = (end - start).total_seconds()
        out = [start]  # the first purchase comes right after joining (the qualifying one)
        burst_count = 0
        if burst is not None:
            orders, days = burst
            window_start = max(start, end - timedelta(days=days - 2))
            wspan = (end - window_start).total_seconds()
            burst_count = min(orders, n - 1)
            out += [
                window_start + timedelta(seconds=rng.uniform(0, wspan)) for _ in range(burst_count)
            ]
        out += [start + timedelta(seconds=rng.uniform(0, span)) for _ in range(n - 1 - burst_count)]
        fixed = [out[0]]
        for m in out[1:]:
            candidate = self.business_moment(m)
            fixed.append(candidate if start < candidate < end else m)
        if birthday and len(fixed) > 1 and rng.random() < 0.25:
            fixed[-1] = self.on_birthday(birthday, start, end) or fixed[-1]
        return sorted(fixed)

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

    # -- doing it through the services

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
        if result["status"] != "pending":
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

    def shop(self, plan: Plan) -> None:
        code = self.program.code
        points_cap = self.points_cap(plan.target)
        earned = 0
        for moment, amount in zip(plan.moments, self.amounts(plan), strict=True):
            if math.isfinite(points_cap):
                # Stay below a points-based tier: never spend more than a third of what the
                # remaining points allow at the best earning rate (multipliers included).
                limit = (points_cap - 1 - earned) * self.yuan_per_point_lo / 3
                if limit < self.cheapest:
                    continue
                if math.isfinite(limit):
                    amount = min(amount, _money(limit))
            self.seq += 1
            receipt_no = f"{code[:3].upper()}{moment.astimezone(self.tz):%y%m%d}-{self.seq:05d}"
            lines = self.lines(amount, self.rng)
            body: dict[str, Any] = {
                "receipt_no": receipt_no,
                "member_id": plan.member_id,
                "occurred_at": moment.isoformat(),
                "store": plan.data.get("store"),
                "merchant": self.rng.choice(self.shape.merchants) if self.shape.merchants else None,
                # Card-less purchases only where the program asks nothing more (liquor wants card
                # number, name, phone and password: issue 6).
                "card_presented": self.rng.random() > 0.02
                or bool(self.program.cards.cardless_requires),
                "lines": lines,
            }
            try:
                answer = checkout.commit(self.ctx, code, PurchaseIn.model_validate(body))
            except (HuiyuanError, ValueError) as exc:
                self.problem(f"receipt {receipt_no} refused: {_why(exc)}")
                continue
            self.report.receipts += 1
            plan.receipts += 1
            plan.tier = str(answer.get("tier") or plan.tier)
            earned += int(answer["points_earned"])
            if self.rng.random() < 0.025:
                self.give_back(receipt_no, moment, lines)

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

    # -- receipt lines

    def lines(self, amount: Decimal, rng: random.Random) -> list[dict[str, Any]]:
        target = float(amount)
        count = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))
        count = max(1, min(count, int(target // self.cheapest)))
        shares = [rng.uniform(0.3, 1.0) for _ in range(count)]
        total = sum(shares)
        out = []
        for i, share in enumerate(shares, start=1):
            out.append(self.line(i, max(2.0, target * share / total), rng))
        return out

    def line(
        self, line_no: int, money_: float, rng: random.Random, category: str | None = None
    ) -> dict[str, Any]:
        category = category or self.category_for(money_, rng)
        line: dict[str, Any] = {
            "line_no": line_no,
            "category": category,
            "sku": f"{category[:3].upper()}{rng.randrange(SKU_NAMES_PER_CATEGORY) + 100:04d}",
        }
        if category in PER_GRAM:
            lo, hi, g_lo, g_hi = PER_GRAM[category]
            per_gram = rng.uniform(lo, hi)
            grams = min(max(money_ / per_gram, g_lo), g_hi * 20)
            unit = _money(per_gram * grams)
            qty = Decimal(1)
            line["weight_grams"] = str(Decimal(str(round(grams, 2))))
        elif category == "fresh":  # by the kilogram
            per_kg = rng.uniform(*PRICES["fresh"])
            unit = _money(per_kg)
            qty = Decimal(str(round(min(max(money_ / per_kg, 0.2), 50.0), 3)))
        else:
            lo, hi = PRICES.get(category, DEFAULT_PRICE)
            per = min(max(money_, lo), hi)
            qty = Decimal(max(1, min(999, round(money_ / per))))
            unit = _money(money_ / float(qty)) if money_ >= lo else _money(rng.uniform(lo, 2 * lo))
        unit = max(unit, CENT)
        line["qty"] = str(qty)
        line["list_price"] = str(unit)
        flags: list[str] = []
        ratio = Decimal(1)
        if self.shape.flags and rng.random() < 0.12:
            flags.append(rng.choice(self.shape.flags))
            ratio = rng.choice(PRICE_RATIOS[:6])
        elif rng.random() < 0.2:
            ratio = rng.choice(PRICE_RATIOS)
        if ratio != 1:
            line["price"] = str(_money(float(unit * ratio)))
        if flags:
            line["flags"] = flags
        if self.shape.member_price and rng.random() < 0.25:
            selling = Decimal(line.get("price", line["list_price"]))
            line["member_price"] = str(_money(float(selling) * rng.uniform(0.85, 0.97)))
        return line

    def category_for(self, money_: float, rng: random.Random) -> str:
        """A category whose goods cost about this much; cheaper categories when unsure."""
        fits = [c for c in self.shape.categories if _lowest_price(c) <= money_]
        if fits:
            return rng.choice(fits)
        return min(self.shape.categories, key=_lowest_price)


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _why(exc: Exception) -> str:
    if isinstance(exc, HuiyuanError):
        return f"{exc.code}: {exc.detail}"
    return str(exc).splitlines()[0]
