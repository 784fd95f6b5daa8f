"""Pages of a member's rows, newest first, asked for with `before` (the last key seen)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

R = TypeVar("R")


def page_of(
    rows: Sequence[R], limit: int, key: Callable[[R], int]
) -> tuple[Sequence[R], int | None]:
    """The page in rows fetched with `limit + 1` (the extra row only tells that a next page
    exists), and the key that asks for the next page (None on the last)."""
    page = rows[:limit]
    return page, key(page[-1]) if len(rows) > limit else None
