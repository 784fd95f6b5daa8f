"""Identifying a member without the card, and cards: loss, reissue, cancellation, password."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, StringConstraints

from .common import IdNumberIn, MoneyIn, NameIn, PasswordIn, PhoneIn, Strict


class IdentifyIn(Strict):
    """Who the customer says they are when the card is not shown (liquor: card number + name +
    phone + card password), or the phone number that is the account (counter)."""

    name: NameIn | None = None
    phone: PhoneIn | None = None
    password: PasswordIn | None = None
    id_number: IdNumberIn | None = None


class ReportLostIn(Strict):
    occurred_at: AwareDatetime | None = None
    channel: Literal["phone", "store"]
    name: NameIn | None = None
    phone: PhoneIn | None = None
    password: PasswordIn | None = None
    id_number: IdNumberIn | None = None


class ReissueIn(Strict):
    occurred_at: AwareDatetime | None = None
    fee_paid: MoneyIn | None = None
    # A new card password for the new card; without one the old card's password carries over.
    card_password: Annotated[str, StringConstraints(min_length=4, max_length=32)] | None = None


class CardCancelIn(Strict):
    occurred_at: AwareDatetime | None = None
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class CardPasswordIn(Strict):
    password: Annotated[str, StringConstraints(min_length=4, max_length=32)]
    old_password: PasswordIn | None = None
    id_number: IdNumberIn | None = None
    occurred_at: AwareDatetime | None = None
