"""What the console reads out of a program's configuration to help staff fill a form."""

from __future__ import annotations

from typing import Any


def known_categories(config: Any) -> list[str]:
    """Every product category a program's rules name (for the till's 品类 suggestions)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("category", "categories", "eligible_categories", "excluded_categories"):
                    names = value if isinstance(value, list) else [value]
                    found.update(n for n in names if isinstance(n, str) and n)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(config)
    return sorted(found)
