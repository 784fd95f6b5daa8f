"""The goods the demo sells: categories and their prices, what a program's rules say about its
goods (its shape), and receipt lines made to come to a given amount."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..domain.program import Program

CENT = Decimal("0.01")

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


def to_money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


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
class _Mentions:
    """What the keys of a program's dump name: categories, flags, group levels, merchants."""

    categories: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    levels: set[str] = field(default_factory=set)
    merchants: set[str] = field(default_factory=set)
    merchant: bool = False
    member_price: bool = False

    def add(self, key: str, value: Any) -> None:
        if "categor" in key:
            self.categories.update(_strings(value))
        elif "flag" in key:
            self.flags.update(_strings(value))
        elif key.endswith("by_group_level") and isinstance(value, dict):
            self.levels.update(str(k) for k in value)
        if "merchant" in key:
            self.merchant = True
            self.merchants.update(_strings(value))
        if key == "kind" and value == "member_price":
            self.member_price = True


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
        mentions = _Mentions()
        for key, value in _walk(program.model_dump(mode="json")):
            mentions.add(key.lower(), value)
        categories = _categories_for(mentions.categories)
        merchants = tuple(sorted(mentions.merchants)) or MERCHANTS
        return cls(
            categories=categories,
            flags=tuple(sorted(mentions.flags)),
            group_levels=tuple(sorted(mentions.levels)) or ("1",),
            merchants=merchants if mentions.merchant else None,
            member_price=mentions.member_price,
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


def typical_line(category: str) -> float:
    if category in PER_GRAM:
        lo, hi, g_lo, g_hi = PER_GRAM[category]
        return math.sqrt(lo * hi) * math.sqrt(g_lo * g_hi)
    lo, hi = PRICES.get(category, DEFAULT_PRICE)
    return math.sqrt(lo * hi)


def lowest_price(category: str) -> float:
    if category in PER_GRAM:
        return PER_GRAM[category][0] * PER_GRAM[category][2]
    return PRICES.get(category, DEFAULT_PRICE)[0]


def _typical_receipt(categories: tuple[str, ...]) -> float:
    logs = [math.log(typical_line(c)) for c in categories]
    return math.exp(sum(logs) / len(logs)) * 2.2


# ----------------------------------------------------------------------------- receipt lines


class Goods:
    """Receipt lines of a program's categories that come to about a given amount."""

    def __init__(self, shape: Shape):
        self.shape = shape
        self.cheapest = min(lowest_price(c) for c in shape.categories)

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
        unit, qty = _unit_and_qty(line, category, money_, rng)
        line["qty"] = str(qty)
        line["list_price"] = str(unit)
        self.mark_down(line, unit, rng)
        return line

    def mark_down(self, line: dict[str, Any], unit: Decimal, rng: random.Random) -> None:
        """Now and then a promotion (a flag and a lower price) and a member price."""
        flags: list[str] = []
        ratio = Decimal(1)
        if self.shape.flags and rng.random() < 0.12:
            flags.append(rng.choice(self.shape.flags))
            ratio = rng.choice(PRICE_RATIOS[:6])
        elif rng.random() < 0.2:
            ratio = rng.choice(PRICE_RATIOS)
        if ratio != 1:
            line["price"] = str(to_money(float(unit * ratio)))
        if flags:
            line["flags"] = flags
        if self.shape.member_price and rng.random() < 0.25:
            selling = Decimal(line.get("price", line["list_price"]))
            line["member_price"] = str(to_money(float(selling) * rng.uniform(0.85, 0.97)))

    def category_for(self, money_: float, rng: random.Random) -> str:
        """A category whose goods cost about this much; cheaper categories when unsure."""
        fits = [c for c in self.shape.categories if lowest_price(c) <= money_]
        if fits:
            return rng.choice(fits)
        return min(self.shape.categories, key=lowest_price)


def _unit_and_qty(
    line: dict[str, Any], category: str, money_: float, rng: random.Random
) -> tuple[Decimal, Decimal]:
    """The unit price and quantity of about `money_` of the category (a weight where sold by
    the gram); never a unit price below one fen."""
    if category in PER_GRAM:
        lo, hi, g_lo, g_hi = PER_GRAM[category]
        per_gram = rng.uniform(lo, hi)
        grams = min(max(money_ / per_gram, g_lo), g_hi * 20)
        unit = to_money(per_gram * grams)
        qty = Decimal(1)
        line["weight_grams"] = str(Decimal(str(round(grams, 2))))
    elif category == "fresh":  # by the kilogram
        per_kg = rng.uniform(*PRICES["fresh"])
        unit = to_money(per_kg)
        qty = Decimal(str(round(min(max(money_ / per_kg, 0.2), 50.0), 3)))
    else:
        lo, hi = PRICES.get(category, DEFAULT_PRICE)
        per = min(max(money_, lo), hi)
        qty = Decimal(max(1, min(999, round(money_ / per))))
        unit = to_money(money_ / float(qty)) if money_ >= lo else to_money(rng.uniform(lo, 2 * lo))
    return max(unit, CENT), qty
