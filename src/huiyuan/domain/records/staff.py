"""A staff account and a console session as stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Staff:
    login: str
    name: str
    role: str
    store: str | None
    guide_id: str | None
    password_hash: str
    status: str  # a StaffStatus value
    lang: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StaffSession:
    session_digest: str
    login: str
    csrf: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
