"""Tier qualification, retention and downgrade: which tier a member's metrics reach or keep.

Pure: the metric values are measured elsewhere (the till for receipts, the evaluate_tiers job
for reviews) and passed in, keyed by `MetricKey` (the metric, its window and its attribute).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from .money import fmt
from .program import Metric, Program, Qualification

MetricKey = tuple[Metric, int | None, str | None]  # metric, days, attribute
MONEY_METRICS = frozenset(
    {
        Metric.CUMULATIVE_SPEND,
        Metric.ANNUAL_SPEND,
        Metric.MEMBERSHIP_YEAR_SPEND,
        Metric.WINDOW_SPEND,
        Metric.SINGLE_RECEIPT,
        Metric.TIER_YEAR_SPEND,
        Metric.PREVIOUS_YEAR_SPEND,
        Metric.STORED_VALUE,
        Metric.DEPOSIT,
    }
)


def key(q: Qualification) -> MetricKey:
    return (q.metric, q.days, q.attribute)


def holds(q: Qualification, values: Mapping[MetricKey, Decimal]) -> bool:
    return values.get(key(q), Decimal(0)) >= q.at_least


def holds_any(quals: Iterable[Qualification], values: Mapping[MetricKey, Decimal]) -> bool:
    return any(holds(q, values) for q in quals)


def reached_tier(
    program: Program, current: str, metrics: dict[Metric, Decimal], kind: str | None = None
) -> str:
    """The highest tier whose qualification holds, never lower than the current one.

    Upgrades only: downgrades and renewals belong to the `evaluate_tiers` job. A tier limited
    to some member kinds is reached only by a member of those kinds.
    """
    best = program.tier_index(current)
    for index, tier in enumerate(program.tiers):
        if index <= best or (kind is not None and not tier.allows(kind)):
            continue
        if any(metrics.get(q.metric, Decimal(0)) >= q.at_least for q in tier.qualify_any):
            best = index
    return program.tiers[best].code


def metrics_needed(program: Program) -> set[tuple[Metric, int | None]]:
    return {(q.metric, q.days) for t in program.tiers for q in t.qualify_any}


def tier_met(program: Program, kind: str, values: Mapping[MetricKey, Decimal]) -> str:
    """The highest tier the member's kind may hold whose qualify_any holds now (up or down);
    the first tier when none does."""
    met = program.first_tier
    for tier in program.tiers[1:]:
        if tier.allows(kind) and holds_any(tier.qualify_any, values):
            met = tier.code
    return met


def one_step_down(program: Program, current: str, kind: str) -> str:
    """The next lower tier the member's kind may hold (the first tier at the bottom)."""
    index = program.tier_index(current)
    for lower in reversed(program.tiers[:index]):
        if lower.allows(kind):
            return lower.code
    return program.first_tier


def fall_target(program: Program, current: str) -> str:
    return program.tier(current).fall_to or program.first_tier


def lower(program: Program, a: str, b: str) -> str:
    return a if program.tier_index(a) <= program.tier_index(b) else b


def needed(quals: Iterable[Qualification]) -> set[MetricKey]:
    return {key(q) for q in quals}


def review_keys(program: Program) -> set[MetricKey]:
    """Every metric a tier review may look at: qualifications and retention of every tier."""
    out: set[MetricKey] = set()
    for tier in program.tiers:
        out |= needed(tier.qualify_any) | needed(tier.keep_any)
    return out


def label(k: MetricKey) -> str:
    metric, days, attribute = k
    if metric is Metric.ATTRIBUTE:
        return f"attribute {attribute}"
    return f"{metric.value} ({days} days)" if days else metric.value


def show(k: MetricKey, value: Decimal) -> str:
    return fmt(value) if k[0] in MONEY_METRICS else format(value.normalize(), "f")


def explain(quals: Iterable[Qualification], values: Mapping[MetricKey, Decimal]) -> list[str]:
    """Each condition with the value found, e.g. "tier_year_spend 40000.00 ≥ 50000.01: no"."""
    out = []
    for q in quals:
        k = key(q)
        have = values.get(k, Decimal(0))
        verdict = "yes" if have >= q.at_least else "no"
        out.append(f"{label(k)} {show(k, have)} ≥ {show(k, q.at_least)}: {verdict}")
    return out


def snapshot(values: Mapping[MetricKey, Decimal]) -> dict[str, str]:
    return {label(k): show(k, v) for k, v in sorted(values.items(), key=lambda kv: label(kv[0]))}
