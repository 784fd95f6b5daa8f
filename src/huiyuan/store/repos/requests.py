"""Idempotency records: the first answer to each caller-numbered state change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select

from ..schema import requests
from .in_lists import slices


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
        response: Mapping[str, Any],
        now: datetime,
    ) -> None:
        self.conn.execute(
            insert(requests),
            answer_row(program_id, kind, ref, body_hash, status_code, response, now),
        )

    def body_hashes(self, program_id: int, kind: str, refs: list[str]) -> dict[str, str]:
        """The fingerprints already recorded for these numbers (a batch's look-up at once)."""
        known: dict[str, str] = {}
        for part in slices(refs):
            found = self.conn.execute(
                select(requests.c.ref, requests.c.body_hash).where(
                    requests.c.program_id == program_id,
                    requests.c.kind == kind,
                    requests.c.ref.in_(part),
                )
            )
            known.update({ref: body_hash for ref, body_hash in found})
        return known

    def put_many(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(requests), rows)


def answer_row(
    program_id: int,
    kind: str,
    ref: str,
    body_hash: str,
    status_code: int,
    response: Mapping[str, Any],
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
