"""The rewards section: the catalogue points buy, redemption windows and reservations, and
points as money at checkout."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from .base import Frozen, MoneyField, Rate


class RewardKind(StrEnum):
    VOUCHER = "voucher"  # a money-off voucher with a code, used at checkout
    GIFT = "gift"  # goods from a catalogue, with stock
    CASH_OUT = "cash_out"  # points paid out as money
    SERVICE = "service"  # a service (cleaning, pressing) redeemed for points


class Reward(Frozen):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,39}$")
    kind: RewardKind
    name: str
    name_en: str
    # A fixed price (points → value), or priced per point: `per_points` points buy `per_value`.
    points: int | None = Field(default=None, ge=1)
    value: MoneyField | None = None
    per_points: int | None = Field(default=None, ge=1)
    per_value: MoneyField | None = None
    stock: int | None = Field(default=None, ge=0)  # none: unlimited
    valid_days: int | None = Field(default=None, ge=1)  # vouchers: days valid from issue
    tiers: tuple[str, ...] = ()  # empty: every tier

    @model_validator(mode="after")
    def _check(self) -> Reward:
        fixed = self.points is not None
        per_point = self.per_points is not None and self.per_value is not None
        if fixed == per_point:
            raise ValueError("give either points (a fixed price) or per_points and per_value")
        if self.kind is RewardKind.VOUCHER and fixed and self.value is None:
            raise ValueError("a fixed voucher needs its value")
        return self

    @property
    def per_point(self) -> bool:
        return self.points is None


class Window(Frozen):
    """When redemption is open: the last `last_days` days of the listed months."""

    months: tuple[int, ...] = Field(min_length=1)
    last_days: int = Field(ge=1, le=31)


class Reservation(Frozen):
    """Redemptions of at least `min_points` must be reserved `lead_days` ahead."""

    min_points: int = Field(ge=1)
    lead_days: int = Field(ge=1)


class Offset(Frozen):
    """Points as money at checkout (抵扣): `points` points are worth `value`."""

    points: int = Field(ge=1)
    value: MoneyField
    multiple_of: int = Field(default=1, ge=1)  # points used must be a multiple of this
    cap_share: Rate | None = None  # at most this share of the goods after member discounts
    categories: tuple[str, ...] = ()  # empty: every line
    not_flags: tuple[str, ...] = ()
    only_earlier_points: bool = True  # only points earned before this receipt


class Rewards(Frozen):
    catalogue: tuple[Reward, ...] = ()
    windows: tuple[Window, ...] = ()  # empty: always open
    minimum_points: int | None = Field(default=None, ge=1)  # one redemption uses at least this
    reservation: Reservation | None = None
    transferable: bool = False
    returnable_gifts: bool = False
    id_check_required: bool = False  # staff must check the card and ID document to redeem
    offset: Offset | None = None

    def reward(self, code: str) -> Reward | None:
        return next((r for r in self.catalogue if r.code == code), None)
