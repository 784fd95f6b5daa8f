"""Key rotation: every sealed value re-sealed under the current key, every lookup hash
recomputed under it.

Sealed columns are found by name: every column ending in `_enc`, in any table, holds a value
sealed by the Sealer (members' phone, ID number and address; shared-account users; consent
records; whatever is added later). Lookup hashes are recomputed from the value they hash
(`LOOKUP_HASHES`). Rows are processed in batches, each batch its own transaction; a value
already under the current key is left alone, so an interrupted rotation simply runs again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Engine, Table, and_, false, func, not_, or_, select, update

from ..security import Sealer
from ..store.schema import metadata
from ..store.uow import UnitOfWork

# table → {hash column: the sealed column whose clear value it hashes}
LOOKUP_HASHES: dict[str, dict[str, str]] = {
    "members": {"phone_hash": "phone_enc", "id_hash": "id_number_enc"},
}


def sealed_columns() -> list[tuple[Table, list[Column[Any]]]]:
    out = []
    for table in metadata.sorted_tables:
        cols = [c for c in table.columns if c.name.endswith("_enc")]
        if cols:
            out.append((table, cols))
    return out


def _stale(cols: list[Column[Any]], key_id: str) -> Any:
    prefix = key_id + ":"
    return or_(
        false(),
        *[and_(c.isnot(None), c != "", not_(c.startswith(prefix, autoescape=True))) for c in cols],
    )


def reseal_all(
    engine: Engine,
    sealer: Sealer,
    batch: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Re-seals every value not sealed with the current key; rows re-sealed per table."""
    done: dict[str, int] = {}
    for table, cols in sealed_columns():
        pk = list(table.primary_key.columns)
        if not pk:
            raise RuntimeError(f"table {table.name} has sealed columns but no primary key")
        hashes = {table.c[h]: table.c[src] for h, src in LOOKUP_HASHES.get(table.name, {}).items()}
        count = 0
        while True:
            query = select(*pk, *cols).where(_stale(cols, sealer.key_id)).order_by(*pk)
            query = query.limit(batch)
            if engine.dialect.name != "sqlite":
                query = query.with_for_update()  # a writer sealing the same row waits
            with UnitOfWork(engine) as uow:  # a write transaction (SQLite: BEGIN IMMEDIATE)
                conn = uow.conn
                rows = conn.execute(query).all()
                for row in rows:
                    values: dict[str, Any] = {}
                    for c in cols:
                        values[c.name] = sealer.reseal(row._mapping[c])
                    for hcol, src in hashes.items():
                        clear = sealer.open(row._mapping[src])
                        values[hcol.name] = sealer.lookup_hash(clear)
                    conn.execute(
                        update(table)
                        .where(and_(*[c == row._mapping[c] for c in pk]))
                        .values(**values)
                    )
                uow.commit()
                count += len(rows)
            if progress is not None and rows:
                progress(table.name, len(rows))
            if len(rows) < batch:
                break
        done[table.name] = count
    return done


def key_usage(engine: Engine) -> dict[str, dict[str, int]]:
    """For each table with sealed values: how many values each key id sealed."""
    out: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for table, cols in sealed_columns():
            counter: Counter[str] = Counter()
            for c in cols:
                kid = func.substr(c, 1, func.instr(c, ":") - 1)
                if engine.dialect.name != "sqlite":
                    kid = func.split_part(c, ":", 1)
                rows = conn.execute(
                    select(kid, func.count()).where(c.isnot(None), c != "").group_by(kid)
                ).all()
                for key_id, n in rows:
                    counter[str(key_id)] += int(n)
            out[table.name] = dict(counter)
    return out
