"""Sealed values: which tables hold them, which key sealed each, and their rewrite.

Sealed columns are found by name: every column ending in `_enc`, in any table, holds a value
sealed by the Sealer (members' phone, ID number and address; shared-account users; consent
records; whatever is added later)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, Table, and_, false, func, not_, or_, select, update

from ...domain.records.keys import SealedRow
from ..schema import metadata


def _sealed(table: Table) -> list[Column[Any]]:
    return [c for c in table.columns if c.name.endswith("_enc")]


def sealed_tables() -> list[str]:
    """The tables with sealed columns, in dependency order."""
    return [t.name for t in metadata.sorted_tables if _sealed(t)]


class KeyRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def stale(self, table_name: str, key_id: str, limit: int) -> list[SealedRow]:
        """Up to `limit` rows, in key order, with a sealed value not sealed with `key_id`;
        on PostgreSQL locked, so a writer sealing the same row waits."""
        table = metadata.tables[table_name]
        pk = list(table.primary_key.columns)
        if not pk:
            raise RuntimeError(f"table {table.name} has sealed columns but no primary key")
        cols = _sealed(table)
        prefix = key_id + ":"
        stale = or_(
            false(),
            *[
                and_(c.isnot(None), c != "", not_(c.startswith(prefix, autoescape=True)))
                for c in cols
            ],
        )
        query = select(*pk, *cols).where(stale).order_by(*pk).limit(limit)
        if self.conn.dialect.name != "sqlite":
            query = query.with_for_update()
        rows = self.conn.execute(query).all()
        return [
            SealedRow(tuple(r[: len(pk)]), {c.name: r[len(pk) + i] for i, c in enumerate(cols)})
            for r in rows
        ]

    def rewrite(self, table_name: str, key: tuple[Any, ...], values: dict[str, Any]) -> None:
        """Sets `values` on the row with primary key `key`."""
        table = metadata.tables[table_name]
        pk = list(table.primary_key.columns)
        self.conn.execute(
            update(table)
            .where(and_(*[c == v for c, v in zip(pk, key, strict=True)]))
            .values(**values)
        )

    def usage(self, table_name: str) -> dict[str, int]:
        """How many of the table's sealed values each key id sealed."""
        counts: dict[str, int] = {}
        for c in _sealed(metadata.tables[table_name]):
            # A sealed value is "key id:ciphertext".
            if self.conn.dialect.name == "sqlite":
                kid = func.substr(c, 1, func.instr(c, ":") - 1)
            else:
                kid = func.split_part(c, ":", 1)
            rows = self.conn.execute(
                select(kid, func.count()).where(c.isnot(None), c != "").group_by(kid)
            )
            for key_id, n in rows:
                counts[str(key_id)] = counts.get(str(key_id), 0) + int(n)
        return counts
