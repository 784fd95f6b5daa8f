"""What a service may ask of a unit of work and its repositories, as protocols.

`store.uow.UnitOfWork` (on the database) satisfies them, and so does the in-memory fake the
unit tests use (tests/fakes.py): a service written against these protocols runs its rules
without a database. Each repository protocol lists only the methods services call through it
so far (the stored-value services); a method joins its protocol when a service written
against the protocols needs it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol, Self

from ..domain.records.members import Member
from ..domain.stored_value import Kind
from .repos.programs import StoredProgram
from .repos.requests import StoredAnswer


class ProgramRepository(Protocol):
    def get(self, code: str, version: int | None = None) -> StoredProgram | None: ...


class MemberRepository(Protocol):
    def get(self, program_id: int, member_id: str, lock: bool = False) -> Member | None: ...

    def update(self, program_id: int, member_id: str, **values: Any) -> None: ...

    def record(
        self,
        program_id: int,
        member_id: str,
        kind: str,
        detail: dict[str, Any],
        actor: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> None: ...


class RequestRepository(Protocol):
    """The first answer to each numbered state change (idempotency)."""

    def get(self, program_id: int, kind: str, ref: str) -> StoredAnswer | None: ...

    def put(
        self,
        program_id: int,
        kind: str,
        ref: str,
        body_hash: str,
        status_code: int,
        response: dict[str, Any],
        now: datetime,
    ) -> None: ...


class StoredValueEntry(Protocol):
    """A stored-value entry as the services read it: its signed amount."""

    @property
    def amount(self) -> Decimal: ...


class StoredValueRepository(Protocol):
    def add(
        self,
        program_id: int,
        member_id: str,
        kind: Kind,
        amount: Decimal,
        at: datetime,
        now: datetime,
        ref: str,
        reason: str | None,
    ) -> int:
        """Appends an entry and moves the member's `stored_value` by its signed amount."""
        ...

    def by_ref(
        self, program_id: int, member_id: str, kind: Kind, ref: str
    ) -> StoredValueEntry | None: ...

    def sum_of(self, program_id: int, member_id: str, kind: Kind, ref_prefix: str) -> Decimal: ...

    def balance_at(self, program_id: int, member_id: str, moment: datetime) -> Decimal: ...

    def amounts_between(
        self, program_id: int, member_id: str, since: datetime, until: datetime | None
    ) -> list[Decimal]: ...


class UnitOfWork(Protocol):
    """One transaction: nothing is kept unless `commit` is called before the block ends."""

    @property
    def programs(self) -> ProgramRepository: ...

    @property
    def members(self) -> MemberRepository: ...

    @property
    def requests(self) -> RequestRepository: ...

    @property
    def stored_value(self) -> StoredValueRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
