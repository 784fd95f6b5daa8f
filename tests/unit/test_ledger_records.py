"""The ledger's entry record holds every column of its table, in the table's order."""

from dataclasses import fields

from huiyuan.domain.records.ledger import Entry
from huiyuan.store.schema import ledger_entries


def test_the_entry_record_holds_every_column_of_its_table() -> None:
    assert [f.name for f in fields(Entry)] == list(ledger_entries.c.keys())
