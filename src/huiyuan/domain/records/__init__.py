"""Typed records: what repositories return and services take, one module per area.

Frozen dataclasses with the column names of their rows, so a record reads like the row it
replaces (`member.tier`) but says what it holds and cannot be changed by accident."""
