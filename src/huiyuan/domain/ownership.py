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
    if not pool or not guides:
        return Dealing(undealt=list(pool))
    rng = random.Random(seed)
    members = _shuffled(pool, rng)
    order = _shuffled(guides, rng)
    eligible = {m: [g for g in order if g not in former.get(m, set())] for m in members}
    dealable = [m for m in members if eligible[m]]
    seats = _Seats.even(order, len(dealable))
    for m in sorted(dealable, key=lambda m: len(eligible[m])):  # stable: random among equals
        seats.seat(m, eligible)
    return Dealing(seats.assigned, sorted(set(members) - set(dealable)))


def _shuffled(items: list[str], rng: random.Random) -> list[str]:
    """Sorted first, so the order drawn depends on the seed only, not on the input's order."""
    out = sorted(items)
    rng.shuffle(out)
    return out


@dataclass
class _Seats:
    """The guides' places while dealing: room left, who holds whom, and the order that breaks
    ties between guides with equal room."""

    room: dict[str, int]
    rank: dict[str, int]
    holding: dict[str, list[str]]
    assigned: dict[str, str] = field(default_factory=dict)

    @classmethod
    def even(cls, order: list[str], members: int) -> _Seats:
        """⌊members/guides⌋ places each, one more for the first `members mod guides`."""
        base, extra = divmod(members, len(order))
        return cls(
            room={g: base + (1 if i < extra else 0) for i, g in enumerate(order)},
            rank={g: i for i, g in enumerate(order)},
            holding={g: [] for g in order},
        )

    def best(self, choices: list[str]) -> str:
        return max(choices, key=lambda g: (self.room[g], -self.rank[g]))

    def seat(self, member: str, eligible: dict[str, list[str]]) -> None:
        best = self.best(eligible[member])
        if self.room[best] <= 0 and self.make_room(member, eligible):
            best = self.best(eligible[member])
        self.assigned[member] = best
        self.holding[best].append(member)
        self.room[best] -= 1

    def make_room(self, member: str, eligible: dict[str, list[str]]) -> bool:
        """Every guide this member may go to is full: move one of their members to a guide
        that still has room and never held it (one augmenting step), freeing a place."""
        open_guides = [g for g, r in self.room.items() if r > 0]
        for full in eligible[member]:
            for other in self.holding[full]:
                target = next((g for g in open_guides if g in eligible[other]), None)
                if target is not None:
                    self.move(other, full, target)
                    return True
        return False

    def move(self, member: str, source: str, target: str) -> None:
        self.holding[source].remove(member)
        self.holding[target].append(member)
        self.assigned[member] = target
        self.room[source] += 1
        self.room[target] -= 1
