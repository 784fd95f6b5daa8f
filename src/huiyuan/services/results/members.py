"""The answers of enrolment, member look-up and changes, history, personal data and programs."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from ...domain.statuses import MemberStatus
from . import Day, Moment, Money, answer

_JOINED = "2026-01-05T10:00:00+08:00"


@answer(
    example={
        "member_id": "M3F2A9C01B7D4E6A0",
        "status": "active",
        "tier": "normal",
        "card_no": "8123456789012348",
    }
)
class Enrolled(TypedDict):
    """A new member: its id, status (pending where staff or a first purchase activates it),
    first tier and card number."""

    member_id: str
    status: MemberStatus
    tier: str
    card_no: str


@answer(
    example={
        "member_id": "M3F2A9C01B7D4E6A0",
        "status": "active",
        "kind": "personal",
        "tier": "normal",
        "tier_name": "普通会员",
        "name": "王芳",
        "phone": "138****8000",
        "points": 1280,
        "stored_value": "0.00",
        "valid_until": None,
        "card_no": "8123456789012348",
        "guide_id": None,
        "customer_class": None,
        "attributes": {},
        "joined_at": _JOINED,
    }
)
class MemberView(TypedDict):
    """A member as staff see it: the phone masked, points and stored value, the active card
    (null when none), the moment of joining in the program's time zone."""

    member_id: str
    status: MemberStatus
    kind: str
    tier: str
    tier_name: str
    name: str | None
    phone: str | None
    points: int
    stored_value: Money
    valid_until: Day | None
    card_no: str | None
    guide_id: str | None
    customer_class: str | None
    attributes: dict[str, Any]
    joined_at: Moment


@answer(example={"items": []})
class MemberList(TypedDict):
    """The members found by phone or card number (at most one)."""

    items: list[MemberView]


@answer(
    example={
        "history_id": 42,
        "kind": "renewed",
        "detail": {"tier": "normal", "valid_until": "2028-01-04"},
        "actor": "cashier:till-1",
        "occurred_at": "2027-01-05T10:00:00+08:00",
        "recorded_at": "2027-01-05T10:00:01+08:00",
    }
)
class HistoryItem(TypedDict):
    """One event of a membership: joining, a tier change, a renewal, a status, profile or
    attribute change; `detail` says what changed and why."""

    history_id: int
    kind: str
    detail: dict[str, Any]
    actor: str | None
    occurred_at: Moment
    recorded_at: Moment


@answer(example={"items": [], "next_before": None})
class History(TypedDict):
    """A page of the member's history, newest first; `next_before` asks for the next page."""

    items: list[HistoryItem]
    next_before: int | None


@answer(
    example={
        "member_id": "M3F2A9C01B7D4E6A0",
        "name": "王芳",
        "phone": "13800138000",
        "id_type": "resident_id",
        "id_number": "110101199003071234",
        "address": "北京市东城区",
        "birthday": "1990-03-07",
        "anniversary": None,
    }
)
class PersonalData(TypedDict):
    """A member's personal data in clear (every view is audited)."""

    member_id: str
    name: str | None
    phone: str | None
    id_type: str | None
    id_number: str | None
    address: str | None
    birthday: str | None
    anniversary: str | None


@answer(example={"code": "club", "version": 1, "name": "门店会员", "name_en": "Store"})
class ProgramSummary(TypedDict):
    """A program's code, current version and names."""

    code: str
    version: int
    name: str
    name_en: str


@answer(example={"items": []})
class ProgramList(TypedDict):
    """Every program, by code."""

    items: list[ProgramSummary]


@answer(example={"code": "normal", "name": "普通会员", "name_en": "Member"})
class TierName(TypedDict):
    code: str
    name: str
    name_en: str


@answer(
    example={
        "code": "club",
        "version": 1,
        "name": "门店会员",
        "name_en": "Store",
        "timezone": "Asia/Shanghai",
        "tiers": [{"code": "normal", "name": "普通会员", "name_en": "Member"}],
        "config": {},
    }
)
class ProgramDescription(TypedDict):
    """A program's current version: names, time zone, tiers and the whole configuration."""

    code: str
    version: int
    name: str
    name_en: str
    timezone: str
    tiers: list[TierName]
    config: dict[str, Any]


@answer(example={"code": "club", "version": 2, "name": "门店会员"})
class ProgramLoaded(TypedDict):
    """A program created or replaced from a file: its code and the version now current."""

    code: str
    version: int
    name: str
