"""SQLite writers of one process queue on a lock of their own (store/db.py) instead of SQLite's
busy handler, which sleeps up to 100 ms between tries: they are serialised, each starts as
soon as the last one has committed or rolled back, and readers never wait for them."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from huiyuan.store.db import make_engine
from huiyuan.store.uow import UnitOfWork

meta = MetaData()
counter = Table("t_counter", meta, Column("n", Integer, nullable=False))


@pytest.fixture
def engine(tmp_path: Path):
    eng = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    meta.create_all(eng)
    yield eng
    eng.dispose()


def _add(eng, value: int, commit: bool = True) -> None:
    with UnitOfWork(eng) as uow:
        uow.conn.execute(insert(counter).values(n=value))
        if commit:
            uow.commit()


def _values(eng) -> list[int]:
    with eng.connect() as conn:
        return sorted(conn.execute(select(counter.c.n)).scalars())


def test_concurrent_writers_are_serialised_and_all_commit(engine):
    errors: list[BaseException] = []

    def work(base: int) -> None:
        try:
            for i in range(25):
                _add(engine, base + i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(100 * t,)) for t in range(8)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _values(engine) == sorted(100 * t + i for t in range(8) for i in range(25))
    # 200 small transactions: no busy-handler sleeps (those alone took seconds).
    assert time.perf_counter() - start < 20


def test_the_lock_is_free_after_rollback_and_after_an_error(engine):
    _add(engine, 1, commit=False)  # left uncommitted: rolled back on exit
    with pytest.raises(RuntimeError), UnitOfWork(engine) as uow:
        uow.conn.execute(insert(counter).values(n=2))
        raise RuntimeError("boom")
    done = threading.Event()
    threading.Thread(target=lambda: (_add(engine, 3), done.set())).start()
    assert done.wait(5), "a writer still waits on a lock nobody holds"
    assert _values(engine) == [3]


def test_a_reader_does_not_wait_for_a_writer(engine):
    _add(engine, 1)
    with UnitOfWork(engine) as writer:
        writer.conn.execute(insert(counter).values(n=2))
        seen: list[list[int]] = []
        t = threading.Thread(target=lambda: seen.append(_values(engine)))
        t.start()
        t.join(5)
        assert seen == [[1]]  # the committed state, at once
        writer.commit()
    assert _values(engine) == [1, 2]


def test_a_second_writer_starts_only_after_the_first_commits(engine):
    order: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with UnitOfWork(engine) as uow:
            uow.conn.execute(insert(counter).values(n=1))
            holding.set()
            time.sleep(0.2)
            order.append("first commits")
            uow.commit()

    def second() -> None:
        holding.wait(5)
        with UnitOfWork(engine) as uow:
            order.append("second begins")
            uow.conn.execute(insert(counter).values(n=2))
            uow.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert order == ["first commits", "second begins"]
    assert _values(engine) == [1, 2]
