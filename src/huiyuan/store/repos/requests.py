"""Idempotency records: the first answer to each caller-numbered state change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select

from ..schema import requests


@dataclass(frozen=True)
class StoredAnswer:
    body_hash: str
    status_code: int
    response: dict[str, Any]


# Asked before every state change: built once, so SQLAlchemy does not rebuild it per call.
_GET = select(requests.c.body_hash, requests.c.status_code, requests.c.response).where(
    requests.c.program_id == bindparam("p"),
    requests.c.kind == bindparam("k"),
    requests.c.ref == bindparam("r"),
)


class RequestRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, program_id: int, kind: str, ref: str) -> StoredAnswer | None:
        row = self.conn.execute(_GET, {"p": program_id, "k": kind, "r": ref}).first()
        return None if row is None else StoredAnswer(row[0], row[1], row[2])

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
        self.conn.execute(
            insert(requests),
            answer_row(program_id, kind, ref, body_hash, status_code, response, now),
        )

    def put_many(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(requests), rows)


def answer_row(
    program_id: int,
    kind: str,
    ref: str,
    body_hash: str,
    status_code: int,
    response: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    return {
        "program_id": program_id,
        "kind": kind,
        "ref": ref,
        "body_hash": body_hash,
        "status_code": status_code,
        "response": response,
        "created_at": now,
    }
