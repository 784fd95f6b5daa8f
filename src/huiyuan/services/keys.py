"""Key rotation: every sealed value re-sealed under the current key, every lookup hash
recomputed under it.

The store finds the sealed columns (store/repos/keys.py); lookup hashes are recomputed from the
value they hash (`LOOKUP_HASHES`). Rows are processed in batches, each batch its own
transaction; a value already under the current key is left alone, so an interrupted rotation
simply runs again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from ..domain.records.keys import SealedRow
from ..security import Sealer
from ..store.repos.keys import sealed_tables
from ..store.uow import UnitOfWork

# table → {hash column: the sealed column whose clear value it hashes}
LOOKUP_HASHES: dict[str, dict[str, str]] = {
    "members": {"phone_hash": "phone_enc", "id_hash": "id_number_enc"},
}

Progress = Callable[[str, int], None]


def reseal_all(
    engine: Engine, sealer: Sealer, batch: int = 500, progress: Progress | None = None
) -> dict[str, int]:
    """Re-seals every value not sealed with the current key; rows re-sealed per table."""
    return {
        table: _reseal_table(engine, sealer, table, batch, progress) for table in sealed_tables()
    }


def _reseal_table(
    engine: Engine, sealer: Sealer, table: str, batch: int, progress: Progress | None
) -> int:
    count = 0
    while True:
        with UnitOfWork(engine) as uow:  # a write transaction (SQLite: BEGIN IMMEDIATE)
            rows = uow.keys.stale(table, sealer.key_id, batch)
            for row in rows:
                uow.keys.rewrite(table, row.key, _resealed(sealer, table, row))
            uow.commit()
            count += len(rows)
        if progress is not None and rows:
            progress(table, len(rows))
        if len(rows) < batch:
            return count


def _resealed(sealer: Sealer, table: str, row: SealedRow) -> dict[str, Any]:
    """The row's sealed values under the current key, and its lookup hashes under it."""
    values: dict[str, Any] = {name: sealer.reseal(v) for name, v in row.sealed.items()}
    for hash_column, source in LOOKUP_HASHES.get(table, {}).items():
        values[hash_column] = sealer.lookup_hash(sealer.open(row.sealed[source]))
    return values


def key_usage(engine: Engine) -> dict[str, dict[str, int]]:
    """For each table with sealed values: how many values each key id sealed."""
    with UnitOfWork(engine, write=False) as uow:
        return {table: uow.keys.usage(table) for table in sealed_tables()}
