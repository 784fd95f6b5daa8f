"""Long IN lists, asked in slices: a statement takes a bounded number of parameters (SQLite
32,766, PostgreSQL 65,535), and a few hundred values at a time plan well on both."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

IN_LIST_SIZE = 500


def slices(values: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
