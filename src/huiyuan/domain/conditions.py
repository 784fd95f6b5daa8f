"""Whether a program's configured conditions hold: a rule's condition for a line and the member
at the receipt's start, and the terms a person (or a unit, a group) joins on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Protocol

from ..errors import Invalid
from .calendar import MonthDay
from .money import ZERO, fmt
from .program import Condition, JoinCondition, JoinKind, Membership
from .receipt import Line, MemberContext

# ----------------------------------------------------------------------------- rule conditions


def holds(cond: Condition, line: Line | None, ctx: MemberContext) -> bool:
    """`line=None` asks about the member alone (receipt-level rules): line tests then pass."""
    if not _member_holds(cond, ctx):
        return False
    return line is None or _line_holds(cond, line)


def _member_holds(cond: Condition, ctx: MemberContext) -> bool:
    if cond.tiers and ctx.tier not in cond.tiers:
        return False
    if cond.kinds and ctx.kind not in cond.kinds:
        return False
    if cond.card_presented is not None and cond.card_presented != ctx.card_presented:
        return False
    if cond.birthday is not None and not _birthday_holds(cond.birthday, ctx):
        return False
    return not cond.anniversary or _is_on(ctx.anniversary, ctx.day)


def _birthday_holds(when: str, ctx: MemberContext) -> bool:
    """On the birthday itself ("day") or in its month ("month"), on the receipt's day."""
    if ctx.birthday is None or ctx.day is None:
        return False
    if when == "day":
        return ctx.birthday.is_on(ctx.day)
    return when != "month" or ctx.birthday.is_month_of(ctx.day)


def _is_on(day_of_year: MonthDay | None, day: date | None) -> bool:
    return day_of_year is not None and day is not None and day_of_year.is_on(day)


def _line_holds(cond: Condition, line: Line) -> bool:
    return _goods_hold(cond, line) and _price_holds(cond, line)


def _goods_hold(cond: Condition, line: Line) -> bool:
    """What the line sells: its category and flags."""
    if cond.categories and line.category not in cond.categories:
        return False
    if cond.not_categories and line.category in cond.not_categories:
        return False
    if cond.flags and not (line.flags & set(cond.flags)):
        return False
    return not (cond.not_flags and line.flags & set(cond.not_flags))


def _price_holds(cond: Condition, line: Line) -> bool:
    """What the line costs: its unit price and its price against the list price."""
    if cond.unit_price_below is not None and not line.price < cond.unit_price_below:
        return False
    if cond.unit_price_at_least is not None and not line.price >= cond.unit_price_at_least:
        return False
    if cond.price_ratio_at_least is not None and line.price_ratio < cond.price_ratio_at_least:
        return False
    return not (cond.price_ratio_below is not None and line.price_ratio >= cond.price_ratio_below)


# ----------------------------------------------------------------------------- joining

FIELD_NAMES_ZH = {
    "name": "姓名",
    "phone": "手机号",
    "birthday": "生日",
    "id_number": "证件号码",
    "address": "地址",
    "anniversary": "纪念日",
}


class Applicant(Protocol):
    """What joining is decided on: the enrolment form (services.inputs.MemberIn)."""

    @property
    def kind(self) -> str: ...
    @property
    def id_type(self) -> str: ...
    @property
    def id_number(self) -> str | None: ...
    @property
    def birthday(self) -> str | None: ...
    @property
    def group_level(self) -> str | None: ...
    @property
    def is_staff(self) -> bool: ...
    @property
    def qualifying_spend(self) -> Decimal | None: ...
    @property
    def fee_paid(self) -> Decimal | None: ...


def check_join(terms: Membership, applicant: Applicant, joined: date) -> None:
    """Refuses (422, with the reason's code) an applicant the program's membership terms do not
    admit on the business day `joined`; the profile fields it needs are its attributes."""
    if applicant.kind not in terms.kinds:
        raise Invalid(
            f"本方案不接受该会员类型 / member kind {applicant.kind!r} is not offered "
            f"(offered: {', '.join(terms.kinds)})",
            code="kind_not_offered",
        )
    _check_required(terms, applicant)
    if applicant.is_staff and not terms.staff_may_join:
        raise Invalid("内部员工不能办理会员卡 / staff may not join", code="staff_not_allowed")
    if applicant.id_number:
        check_id_type(terms, applicant.id_type)
    _check_group_level(terms, applicant)
    _check_min_age(terms, applicant, joined)
    _check_conditions(terms.join_conditions(applicant.kind), applicant)


def required_fields(terms: Membership, kind: str) -> tuple[str, ...]:
    """The profile fields a member of this kind must have; a unit has a name and a phone only."""
    if kind == "unit":
        return tuple(f for f in terms.required_fields if f in ("name", "phone"))
    return terms.required_fields


def names_zh(fields: list[str]) -> str:
    return "、".join(FIELD_NAMES_ZH.get(f, f) for f in fields)


def _check_required(terms: Membership, applicant: Applicant) -> None:
    missing = [f for f in required_fields(terms, applicant.kind) if not getattr(applicant, f)]
    if missing:
        raise Invalid(
            f"缺少必填资料：{names_zh(missing)} / required fields missing: {', '.join(missing)}",
            code="missing_fields",
            fields=missing,
        )


def check_id_type(terms: Membership, id_type: str) -> None:
    if id_type not in terms.id_types:
        raise Invalid(
            f"不接受该证件类型 / id_type {id_type!r} is not accepted "
            f"(accepted: {', '.join(terms.id_types)})",
            code="id_type_not_accepted",
        )


def _check_group_level(terms: Membership, applicant: Applicant) -> None:
    """A group member names one of the program's group levels; only a group member has one."""
    group = applicant.kind == "group"
    if group and terms.group_levels and applicant.group_level not in terms.group_levels:
        raise Invalid(
            f"集团会员须注明级别 / a group member needs group_level, one of "
            f"{', '.join(terms.group_levels)}",
            code="group_level_required",
        )
    if not group and applicant.group_level is not None:
        raise Invalid(
            "只有集团会员有级别 / group_level is only for group members",
            code="group_level_not_allowed",
        )


def _check_min_age(terms: Membership, applicant: Applicant, joined: date) -> None:
    """Where the program sets a minimum age, a person gives a birthday with the year and is
    that old on the day of joining (18 on the 18th birthday; Feb 29 births on Feb 28)."""
    if terms.min_age is None or applicant.kind != "personal":
        return
    born = MonthDay.parse(applicant.birthday) if applicant.birthday else None
    if born is None or born.year is None:
        raise Invalid(
            f"须提供出生年月日以核实年满 {terms.min_age} 周岁 / a birthday with the year is "
            f"needed to check the minimum age {terms.min_age}",
            code="birthday_required",
        )
    age = born.age_on(joined)
    if age is None or age < terms.min_age:
        raise Invalid(
            f"须年满 {terms.min_age} 周岁 / must be at least {terms.min_age}",
            code="too_young",
        )


# Whether one join condition is met by what the applicant spent and paid.
_JOIN_TESTS: dict[JoinKind, Callable[[JoinCondition, Decimal, Decimal], bool]] = {
    JoinKind.ANY: lambda cond, spend, fee: True,
    JoinKind.FEE: lambda cond, spend, fee: fee >= cond.amount,
    JoinKind.RECEIPT_AT_LEAST: lambda cond, spend, fee: spend >= cond.amount,
    JoinKind.SAME_DAY_SPEND_AT_LEAST: lambda cond, spend, fee: spend >= cond.amount,
    JoinKind.FIRST_PURCHASE: lambda cond, spend, fee: spend > 0,
}


def _check_conditions(conditions: tuple[JoinCondition, ...], applicant: Applicant) -> None:
    """One of the conditions is enough."""
    spend = applicant.qualifying_spend or ZERO
    fee = applicant.fee_paid or ZERO
    if any(_JOIN_TESTS[c.kind](c, spend, fee) for c in conditions):
        return
    options = "; ".join(
        f"{c.kind.value} {fmt(c.amount)}" for c in conditions if c.kind is not JoinKind.ANY
    )
    raise Invalid(
        f"未满足入会条件 / join conditions not met ({options})", code="join_condition_not_met"
    )
