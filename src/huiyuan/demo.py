"""The demo database: every preset loaded, realistic members and receipts over two years."""

from __future__ import annotations

from .services.context import Context


def build_demo(url: str) -> tuple[Context, str]:
    raise NotImplementedError
