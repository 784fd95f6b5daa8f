"""The demo database: every preset loaded, realistic members and receipts over two years.

Nothing here knows a scheme by name. Member data is built from each program's ``membership``
terms (kinds, required fields, ID types, join conditions, staff rule: ``people``); categories
and line flags come from the program's own rule conditions (``catalogue``); spending is aimed
at the program's tier thresholds so that every ladder has members on several rungs (``plan``).
All of it goes through the same services as the API (``fill``). A seeded ``random.Random``
per program makes the data reproducible (relative to the moment the demo is built);
identifiers the services mint are random.
"""

from .build import DEFAULT_MEMBERS, DEFAULT_RECEIPTS, DEFAULT_SEED, DemoFailed, build_demo, populate
from .fill import DemoReport

__all__ = [
    "DEFAULT_MEMBERS",
    "DEFAULT_RECEIPTS",
    "DEFAULT_SEED",
    "DemoFailed",
    "DemoReport",
    "build_demo",
    "populate",
]
