"""A row holding values sealed by the Sealer, as key rotation reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SealedRow:
    key: tuple[Any, ...]  # the row's primary key, in the table's key order
    sealed: dict[str, str | None]  # each sealed column (`*_enc`) → its sealed value
