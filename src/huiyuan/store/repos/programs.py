"""Programs and their immutable versions."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update

from ...domain.program import Program
from ..schema import program_versions, programs


@dataclass(frozen=True)
class StoredProgram:
    program_id: int
    code: str
    version: int
    program: Program


# A program version never changes once stored, so its parsed model is kept per database
# (engine) and version: a till request then costs one small query, not a parse.
_PARSED: weakref.WeakKeyDictionary[Engine, dict[tuple[int, int], Program]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()
# Every till request reads its program row by code: built once (building and caching the key
# of a select costs more than running it on SQLite).
_BY_CODE = select(programs).where(programs.c.code == bindparam("code"))


class ProgramRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, code: str, version: int | None = None) -> StoredProgram | None:
        row = self.conn.execute(_BY_CODE, {"code": code}).first()
        if row is None:
            return None
        wanted = version or row.current_version
        key = (int(row.program_id), int(wanted))
        with _LOCK:
            cache = _PARSED.setdefault(self.conn.engine, {})
            program = cache.get(key)
        if program is None:
            config = self.conn.execute(
                select(program_versions.c.config).where(
                    program_versions.c.program_id == row.program_id,
                    program_versions.c.version == wanted,
                )
            ).scalar_one()
            program = Program.model_validate(config)
            with _LOCK:
                cache[key] = program
        return StoredProgram(row.program_id, row.code, wanted, program)

    def list(self) -> list[StoredProgram]:
        codes = self.conn.execute(select(programs.c.code).order_by(programs.c.code)).scalars()
        out = []
        for code in list(codes):
            stored = self.get(code)
            if stored is not None:
                out.append(stored)
        return out

    def create(self, code: str, program: Program, source: str, now: datetime) -> StoredProgram:
        program_id = self.conn.execute(
            insert(programs)
            .values(code=code, name=program.name, current_version=1, created_at=now)
            .returning(programs.c.program_id)
        ).scalar_one()
        self._add_version(program_id, 1, program, source, now)
        return StoredProgram(program_id, code, 1, program)

    def replace(self, code: str, program: Program, source: str, now: datetime) -> StoredProgram:
        row = self.conn.execute(select(programs).where(programs.c.code == code)).one()
        version = (
            self.conn.execute(
                select(func.max(program_versions.c.version)).where(
                    program_versions.c.program_id == row.program_id
                )
            ).scalar_one()
            + 1
        )
        self._add_version(row.program_id, version, program, source, now)
        self.conn.execute(
            update(programs)
            .where(programs.c.program_id == row.program_id)
            .values(current_version=version, name=program.name)
        )
        return StoredProgram(row.program_id, code, version, program)

    def _add_version(
        self, program_id: int, version: int, program: Program, source: str, now: datetime
    ) -> None:
        config = program.model_dump(mode="json")
        self.conn.execute(
            insert(program_versions).values(
                program_id=program_id, version=version, config=config, source=source, created_at=now
            )
        )
