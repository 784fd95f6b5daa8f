"""The in-memory unit of work (tests/fakes.py) against store/protocols.py: its repositories take
the very parameters the database's repositories take, and it keeps only what is committed.
(mypy proves the database's unit of work satisfies the protocols: see store/uow.py.)"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from huiyuan.domain.stored_value import Kind
from huiyuan.store import protocols
from huiyuan.store.repos.members import MemberRepo
from huiyuan.store.repos.programs import ProgramRepo
from huiyuan.store.repos.requests import RequestRepo
from huiyuan.store.repos.stored_value import StoredValueRepo

from ..fakes import (
    FakeMembers,
    FakePrograms,
    FakeRequests,
    FakeStore,
    FakeStoredValue,
    FakeUnitOfWork,
)

# A unit of work's repository → (its protocol, the database's class, the fake).
REPOSITORIES: dict[str, tuple[type, type, type]] = {
    "programs": (protocols.ProgramRepository, ProgramRepo, FakePrograms),
    "members": (protocols.MemberRepository, MemberRepo, FakeMembers),
    "requests": (protocols.RequestRepository, RequestRepo, FakeRequests),
    "stored_value": (protocols.StoredValueRepository, StoredValueRepo, FakeStoredValue),
}
NOW = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def methods(protocol: type) -> list[str]:
    return [
        name
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and not name.startswith("_")
    ]


def parameters(function: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    """Names, kinds and defaults (not annotations: the fake returns its own row types)."""
    signature = inspect.signature(function)
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def test_the_protocol_names_every_repository_the_fake_offers():
    declared = [n for n, v in vars(protocols.UnitOfWork).items() if isinstance(v, property)]
    assert sorted(declared) == sorted(REPOSITORIES)
    with FakeUnitOfWork(FakeStore()) as uow:
        for name, (_, _, fake) in REPOSITORIES.items():
            assert isinstance(getattr(uow, name), fake)


@pytest.mark.parametrize("name", REPOSITORIES)
def test_repositories_take_what_the_protocol_says(name: str):
    protocol, real, fake = REPOSITORIES[name]
    assert methods(protocol)
    for method in methods(protocol):
        wanted = parameters(getattr(protocol, method))
        assert parameters(getattr(real, method)) == wanted, f"{real.__name__}.{method}"
        assert parameters(getattr(fake, method)) == wanted, f"{fake.__name__}.{method}"


def test_only_what_is_committed_stays():
    store = FakeStore()
    liquor = store.add_program("liquor")
    store.add_member(liquor, "M1", NOW)

    def deposit(uow: FakeUnitOfWork, ref: str, amount: str) -> None:
        pid = liquor.program_id
        uow.stored_value.add(pid, "M1", Kind.DEPOSIT, Decimal(amount), NOW, NOW, ref, None)

    with FakeUnitOfWork(store) as uow:
        deposit(uow, "D-1", "10.00")
        uow.commit()
        deposit(uow, "D-2", "5.00")  # after the commit, never committed
    with FakeUnitOfWork(store) as uow:
        deposit(uow, "D-3", "7.00")
        uow.rollback()
        assert uow.stored_value.balance_at(liquor.program_id, "M1", NOW) == Decimal("10.00")
    assert store.member(liquor.program_id, "M1").stored_value == Decimal("10.00")
    assert [e.ref for e in store.tables.stored_value] == ["D-1"]
