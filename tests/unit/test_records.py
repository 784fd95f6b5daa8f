"""A record holds every column of its table, in the table's order."""

from dataclasses import fields

import pytest

from huiyuan.domain.records.members import Card, HistoryEntry, Member
from huiyuan.store.schema import cards, member_history, members


@pytest.mark.parametrize(
    ("record", "table"), [(Member, members), (Card, cards), (HistoryEntry, member_history)]
)
def test_records_hold_every_column_of_their_table(record: type, table: object) -> None:
    assert [f.name for f in fields(record)] == list(table.c.keys())  # type: ignore[attr-defined]
