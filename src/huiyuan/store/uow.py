"""The unit of work: one transaction per use case, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from .db import WRITE
from .repos.audit import AuditRepo
from .repos.awards import AwardRepo
from .repos.guides import GuideRepo
from .repos.identity import IdentityRepo
from .repos.jobs import JobRepo
from .repos.keys import KeyRepo
from .repos.ledger import LedgerRepo
from .repos.lifecycle import LifecycleRepo
from .repos.members import MemberRepo
from .repos.notices import NoticeRepo
from .repos.outbox import OutboxRepo
from .repos.perks import PerkRepo
from .repos.programs import ProgramRepo
from .repos.receipts import ReceiptRepo
from .repos.requests import RequestRepo
from .repos.rewards import RewardRepo
from .repos.staff import StaffRepo
from .repos.stored_value import StoredValueRepo
from .repos.tokens import TokenRepo


class UnitOfWork:
    def __init__(self, engine: Engine, write: bool = True):
        self.engine = engine
        self.write = write
        self._conn: Connection | None = None

    def __enter__(self) -> UnitOfWork:
        conn = self.engine.connect()
        if self.write:
            conn = conn.execution_options(**{WRITE: True})
        conn.begin()
        self._conn = conn
        self.programs = ProgramRepo(conn)
        self.members = MemberRepo(conn)
        self.receipts = ReceiptRepo(conn)
        self.ledger = LedgerRepo(conn)
        self.requests = RequestRepo(conn)
        self.tokens = TokenRepo(conn)
        self.awards = AwardRepo(conn)
        self.rewards = RewardRepo(conn)
        self.jobs = JobRepo(conn)
        self.outbox = OutboxRepo(conn)
        self.notices = NoticeRepo(conn)
        self.perks = PerkRepo(conn)
        self.guides = GuideRepo(conn)
        self.identity = IdentityRepo(conn)
        self.audit = AuditRepo(conn)
        self.lifecycle = LifecycleRepo(conn)
        self.stored_value = StoredValueRepo(conn)
        self.staff = StaffRepo(conn)
        self.keys = KeyRepo(conn)
        return self

    @property
    def conn(self) -> Connection:
        assert self._conn is not None, "unit of work not entered"
        return self._conn

    @property
    def locks_rows(self) -> bool:
        return self.engine.dialect.name != "sqlite"

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: what runs in it is undone alone if it raises."""
        with self.conn.begin_nested():
            yield

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            if self._conn.in_transaction():
                self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None


if TYPE_CHECKING:
    from .protocols import UnitOfWork as Abstract

    # mypy proves that the database's unit of work offers what the protocols promise.
    _satisfies: type[Abstract] = UnitOfWork
