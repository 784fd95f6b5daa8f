"""Tier qualification: which tier a member's metrics reach."""

from __future__ import annotations

from decimal import Decimal

from .program import Metric, Program


def reached_tier(program: Program, current: str, metrics: dict[Metric, Decimal]) -> str:
    """The highest tier whose qualification holds, never lower than the current one.

    Upgrades only: downgrades and renewals belong to the `evaluate_tiers` job.
    """
    best = program.tier_index(current)
    for index, tier in enumerate(program.tiers):
        if index <= best:
            continue
        if any(metrics.get(q.metric, Decimal(0)) >= q.at_least for q in tier.qualify_any):
            best = index
    return program.tiers[best].code


def metrics_needed(program: Program) -> set[tuple[Metric, int | None]]:
    return {(q.metric, q.days) for t in program.tiers for q in t.qualify_any}
