"""An in-memory unit of work, so service rules run without a database.

`FakeStore` holds the rows; a `FakeUnitOfWork` works on its own copy of them and publishes that
copy on `commit`, so a refused change leaves nothing behind, as a rolled-back transaction would.
`FakeContext` is a Context whose units of work are fakes on one store. The repositories here
implement store.protocols (tests/unit/test_uow_fake.py holds them to the protocols' methods).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any

from huiyuan.domain.money import ZERO
from huiyuan.domain.records.members import Member
from huiyuan.domain.statuses import MemberStatus
from huiyuan.presets.loader import load_preset
from huiyuan.security import Sealer
from huiyuan.services.context import Context
from huiyuan.store.repos.programs import StoredProgram
from huiyuan.store.repos.requests import StoredAnswer

from .conftest import TEST_KEY


@dataclass(frozen=True, slots=True)
class StoredValueRow:
    """A stored-value entry as the table holds it (amount signed)."""

    entry_id: int
    program_id: int
    member_id: str
    kind: str
    amount: Decimal
    occurred_at: datetime
    recorded_at: datetime
    ref: str
    reason: str | None


@dataclass
class Tables:
    """The rows of one state of the store. Rows are frozen, so copying the containers is a
    full snapshot."""

    programs: dict[str, StoredProgram] = field(default_factory=dict)
    members: dict[tuple[int, str], Member] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    requests: dict[tuple[int, str, str], StoredAnswer] = field(default_factory=dict)
    stored_value: list[StoredValueRow] = field(default_factory=list)

    def copy(self) -> Tables:
        return Tables(
            dict(self.programs),
            dict(self.members),
            list(self.history),
            dict(self.requests),
            list(self.stored_value),
        )


class FakeStore:
    """The committed state, and how tests put programs and members into it."""

    def __init__(self) -> None:
        self.tables = Tables()

    def add_program(self, code: str) -> StoredProgram:
        """A preset, stored as version 1 under the next program id."""
        stored = StoredProgram(len(self.tables.programs) + 1, code, 1, load_preset(code))
        self.tables.programs[code] = stored
        return stored

    def add_member(
        self,
        stored: StoredProgram,
        member_id: str,
        joined_at: datetime,
        kind: str = "personal",
        status: str = MemberStatus.ACTIVE,
    ) -> Member:
        """A member at the program's first tier with nothing on their accounts."""
        unset: dict[str, Any] = dict.fromkeys(f.name for f in fields(Member))
        row = Member(
            **unset
            | {
                "program_id": stored.program_id,
                "member_id": member_id,
                "status": status,
                "kind": kind,
                "tier": stored.program.first_tier,
                "is_staff": False,
                "joined_at": joined_at,
                "attributes": {},
                "points": 0,
                "debt": 0,
                "points_earned_total": 0,
                "stored_value": ZERO,
                "carry": {},
                "created_at": joined_at,
                "updated_at": joined_at,
            }
        )
        self.tables.members[(stored.program_id, member_id)] = row
        return row

    def member(self, program_id: int, member_id: str) -> Member:
        return self.tables.members[(program_id, member_id)]

    def entry_kinds(self, program_id: int, member_id: str) -> list[str]:
        """A member's stored-value entry kinds, newest first (as GET .../stored-value)."""
        mine = (program_id, member_id)
        return [
            e.kind
            for e in reversed(self.tables.stored_value)
            if (e.program_id, e.member_id) == mine
        ]


class FakePrograms:
    def __init__(self, tables: Tables):
        self.tables = tables

    def get(self, code: str, version: int | None = None) -> StoredProgram | None:
        stored = self.tables.programs.get(code)
        if stored is None or version not in (None, stored.version):
            return None
        return stored


class FakeMembers:
    def __init__(self, tables: Tables):
        self.tables = tables

    def get(self, program_id: int, member_id: str, lock: bool = False) -> Member | None:
        return self.tables.members.get((program_id, member_id))

    def update(self, program_id: int, member_id: str, **values: Any) -> None:
        key = (program_id, member_id)
        if key in self.tables.members:
            self.tables.members[key] = replace(self.tables.members[key], **values)

    def record(
        self,
        program_id: int,
        member_id: str,
        kind: str,
        detail: dict[str, Any],
        actor: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        self.tables.history.append(
            {
                "program_id": program_id,
                "member_id": member_id,
                "kind": kind,
                "detail": detail,
                "actor": actor,
                "occurred_at": occurred_at,
                "recorded_at": now,
            }
        )


class FakeRequests:
    def __init__(self, tables: Tables):
        self.tables = tables

    def get(self, program_id: int, kind: str, ref: str) -> StoredAnswer | None:
        return self.tables.requests.get((program_id, kind, ref))

    def put(
        self,
        program_id: int,
        kind: str,
        ref: str,
        body_hash: str,
        status_code: int,
        response: dict[str, Any],
        now: datetime,
    ) -> None:
        key = (program_id, kind, ref)
        assert key not in self.tables.requests, f"request {key} recorded twice"
        # Through JSON, as the database's JSON column keeps it: a replay is a copy, not the
        # very dict the first call returned.
        self.tables.requests[key] = StoredAnswer(body_hash, status_code, _json_copy(response))


class FakeStoredValue:
    def __init__(self, tables: Tables):
        self.tables = tables

    def _of(self, program_id: int, member_id: str) -> list[StoredValueRow]:
        """One member's entries in the order they happened."""
        rows = [
            e
            for e in self.tables.stored_value
            if e.program_id == program_id and e.member_id == member_id
        ]
        return sorted(rows, key=lambda e: (e.occurred_at, e.entry_id))

    def add(
        self,
        program_id: int,
        member_id: str,
        kind: str,
        amount: Decimal,
        at: datetime,
        now: datetime,
        ref: str,
        reason: str | None,
    ) -> int:
        entry_id = len(self.tables.stored_value) + 1
        row = StoredValueRow(
            entry_id=entry_id,
            program_id=program_id,
            member_id=member_id,
            kind=str(kind),
            amount=amount,
            occurred_at=at,
            recorded_at=now,
            ref=ref,
            reason=reason,
        )
        self.tables.stored_value.append(row)
        member = self.tables.members.get((program_id, member_id))
        if member is not None:
            moved = member.stored_value + amount
            self.tables.members[(program_id, member_id)] = replace(member, stored_value=moved)
        return entry_id

    def by_ref(self, program_id: int, member_id: str, kind: str, ref: str) -> StoredValueRow | None:
        found = (e for e in self._of(program_id, member_id) if e.kind == kind and e.ref == ref)
        return next(found, None)

    def sum_of(self, program_id: int, member_id: str, kind: str, ref_prefix: str) -> Decimal:
        return _total(
            e.amount
            for e in self._of(program_id, member_id)
            if e.kind == kind and e.ref.startswith(ref_prefix)
        )

    def balance_at(self, program_id: int, member_id: str, moment: datetime) -> Decimal:
        return _total(e.amount for e in self._of(program_id, member_id) if e.occurred_at <= moment)

    def amounts_between(
        self, program_id: int, member_id: str, since: datetime, until: datetime | None
    ) -> list[Decimal]:
        return [
            e.amount
            for e in self._of(program_id, member_id)
            if since <= e.occurred_at and (until is None or e.occurred_at < until)
        ]


class FakeUnitOfWork:
    """One transaction on a FakeStore: reads and writes its own copy of the rows; `commit`
    publishes that copy; whatever is not committed is gone when the block ends."""

    def __init__(self, store: FakeStore):
        self.store = store
        self._tables: Tables | None = None

    def __enter__(self) -> FakeUnitOfWork:
        self._tables = self.store.tables.copy()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tables = None

    @property
    def tables(self) -> Tables:
        assert self._tables is not None, "unit of work not entered"
        return self._tables

    @property
    def programs(self) -> FakePrograms:
        return FakePrograms(self.tables)

    @property
    def members(self) -> FakeMembers:
        return FakeMembers(self.tables)

    @property
    def requests(self) -> FakeRequests:
        return FakeRequests(self.tables)

    @property
    def stored_value(self) -> FakeStoredValue:
        return FakeStoredValue(self.tables)

    def commit(self) -> None:
        self.store.tables = self.tables.copy()

    def rollback(self) -> None:
        self._tables = self.store.tables.copy()


class FakeContext(Context):
    """A Context without a database: every unit of work is a FakeUnitOfWork on `store`."""

    def __init__(self, store: FakeStore, clock: Callable[[], datetime]):
        sealer = Sealer(base64.b64decode(TEST_KEY))
        super().__init__(engine=None, sealer=sealer, clock=clock)  # type: ignore[arg-type]
        self.store = store

    def uow(self, write: bool = True) -> FakeUnitOfWork:  # type: ignore[override]
        return FakeUnitOfWork(self.store)


def _total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def _json_copy(value: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(value))
    return copied
