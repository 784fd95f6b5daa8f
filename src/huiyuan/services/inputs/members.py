"""Joining, activation, profile and attribute changes, renewal and cancellation."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from .common import Code, IdType, MoneyIn, MonthDayIn, Ref, ShortText, Strict


class MemberIn(Strict):
    name: ShortText | None = None
    phone: Annotated[str, StringConstraints(max_length=20)] | None = None
    birthday: MonthDayIn = None
    id_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    address: Annotated[str, StringConstraints(max_length=300)] | None = None
    anniversary: MonthDayIn = None
    id_type: IdType = "resident_id"
    kind: Literal["personal", "unit", "group"] = "personal"
    group_level: Annotated[str, StringConstraints(max_length=16)] | None = None
    is_staff: bool = False
    referrer_id: Ref | None = None
    guide_id: Ref | None = None
    store: Code | None = None
    merchant: Code | None = None
    qualifying_spend: MoneyIn | None = None
    fee_paid: MoneyIn | None = None
    card_password: Annotated[str, StringConstraints(min_length=4, max_length=32)] | None = None
    joined_at: AwareDatetime | None = None


class ActivateIn(Strict):
    occurred_at: AwareDatetime | None = None


AttributeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
AttributeValue = (
    Annotated[int, Field(gt=-(10**15), lt=10**15, strict=True)]
    | bool
    | Annotated[str, StringConstraints(max_length=200)]
    | None
)


class MemberPatchIn(Strict):
    """Profile fields and/or attributes. A profile field sent as null is cleared (unless the
    program requires it); an attribute set to null is removed."""

    name: ShortText | None = None
    phone: Annotated[str, StringConstraints(max_length=20)] | None = None
    id_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    id_type: IdType | None = None
    address: Annotated[str, StringConstraints(max_length=300)] | None = None
    birthday: MonthDayIn = None
    anniversary: MonthDayIn = None
    attributes: dict[AttributeName, AttributeValue] | None = Field(default=None, max_length=50)
    occurred_at: AwareDatetime | None = None

    def profile_changes(self) -> dict[str, Any]:
        skip = {"attributes", "occurred_at"}
        return {f: getattr(self, f) for f in self.model_fields_set if f not in skip}


class RenewIn(Strict):
    occurred_at: AwareDatetime | None = None
    fee_paid: MoneyIn | None = None


CancelReason = Literal["fraud", "card_lending", "voluntary", "other"]


class CancelIn(Strict):
    reason: CancelReason
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = None
