"""Shared accounts (authorised users and the holder's consent), entitlements, lottery draws
and delivery quotes."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from .common import Code, Ref, ShortText, Strict


class ConsentIn(Strict):
    """A shared account's holder consenting to someone else spending its points (counter)."""

    holder_confirmed_by_phone: bool
    user_name: ShortText
    user_id_number: Annotated[str, StringConstraints(min_length=6, max_length=40)]
    user_address: Annotated[str, StringConstraints(min_length=2, max_length=300)]
    user_mobile: Annotated[str, StringConstraints(min_length=11, max_length=20)]
    signature: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class AccountUserIn(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    mobile: Annotated[str, StringConstraints(min_length=11, max_length=20)]
    id_number: Annotated[str, StringConstraints(min_length=6, max_length=40)]
    address: Annotated[str, StringConstraints(min_length=2, max_length=300)]
    occurred_at: AwareDatetime | None = None


class EntitlementUseIn(Strict):
    use_no: Ref
    occurred_at: AwareDatetime | None = None
    id_checked: bool = False  # staff checked the card and the ID document


class LotteryDrawIn(Strict):
    draw_no: Ref
    occurred_at: AwareDatetime | None = None


class DeliveryQuoteIn(Strict):
    zone: Code
    items: int = Field(ge=1, le=100000, strict=True)
