"""Ownership of members by guides: when it lapses, and dealing the pool out fairly."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date

from .calendar import add_months


def lapses_on(since: date, last_purchase: date | None, months: int) -> date:
    """The clock runs from the latest of the opening/dealing and the last purchase."""
    start = max(since, last_purchase) if last_purchase else since
    return add_months(start, months)


def dealing_seed(program_code: str, as_of_iso: str) -> str:
    """A seed fixed by the run, recorded with it, so a dealing can be reproduced."""
    return hashlib.sha256(f"{program_code}|{as_of_iso}".encode()).hexdigest()[:32]


@dataclass
class Dealing:
    assigned: dict[str, str] = field(default_factory=dict)
    undealt: list[str] = field(default_factory=list)  # only former owners were left


def deal(pool: list[str], guides: list[str], former: dict[str, set[str]], seed: str) -> Dealing:
    """Deals members out evenly and at random: each guide gets ⌊n/g⌋, and the remainder goes
    one each to randomly chosen guides; a member never goes to a guide who held it before.

    Members with the fewest eligible guides are placed first, each to the eligible guide with
    the most room left, so the constraint costs evenness only when it must.
    """
    out = Dealing()
    if not pool or not guides:
        out.undealt = list(pool)
        return out
    rng = random.Random(seed)
    members = sorted(pool)
    rng.shuffle(members)
    order = sorted(guides)
    rng.shuffle(order)
    eligible = {m: [g for g in order if g not in former.get(m, set())] for m in members}
    dealable = [m for m in members if eligible[m]]
    out.undealt = sorted(m for m in members if not eligible[m])
    base, extra = divmod(len(dealable), len(order))
    room = {g: base + (1 if i < extra else 0) for i, g in enumerate(order)}
    rank = {g: i for i, g in enumerate(order)}
    holding: dict[str, list[str]] = {g: [] for g in order}

    def give(member: str, guide: str) -> None:
        out.assigned[member] = guide
        holding[guide].append(member)
        room[guide] -= 1

    for m in sorted(dealable, key=lambda m: len(eligible[m])):  # stable: random among equals
        best = max(eligible[m], key=lambda g: (room[g], -rank[g]))
        if room[best] <= 0 and _make_room(m, eligible, holding, room, out.assigned):
            best = max(eligible[m], key=lambda g: (room[g], -rank[g]))
        give(m, best)
    return out


def _make_room(
    member: str,
    eligible: dict[str, list[str]],
    holding: dict[str, list[str]],
    room: dict[str, int],
    assigned: dict[str, str],
) -> bool:
    """Every guide this member may go to is full: move one of their members to a guide that
    still has room and never held it (one augmenting step), freeing a place."""
    open_guides = [g for g, r in room.items() if r > 0]
    for full in eligible[member]:
        for other in holding[full]:
            target = next((g for g in open_guides if g in eligible[other]), None)
            if target is not None:
                holding[full].remove(other)
                holding[target].append(other)
                assigned[other] = target
                room[full] += 1
                room[target] -= 1
                return True
    return False
