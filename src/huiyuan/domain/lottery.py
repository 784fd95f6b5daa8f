"""Reproducible lottery draws: the outcome follows from a recorded seed and the draw number."""

from __future__ import annotations

import hashlib
import hmac
from decimal import ROUND_DOWN, Decimal

SCALE = Decimal(2**64)


def roll(seed: str, draw_no: str, member_id: str) -> Decimal:
    """A number in [0, 1) that anyone holding the seed can recompute."""
    digest = hmac.new(seed.encode(), f"{draw_no}|{member_id}".encode(), hashlib.sha256).digest()
    fraction = Decimal(int.from_bytes(digest[:8], "big")) / SCALE
    return fraction.quantize(Decimal("0.0000000001"), rounding=ROUND_DOWN)


def wins(rolled: Decimal, rate: Decimal) -> bool:
    return rolled < rate
