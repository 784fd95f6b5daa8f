"""The terms of joining, decided by the domain alone (no database): kinds, required fields, ID
types, group levels, the minimum age and the join conditions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from huiyuan.domain.conditions import check_join, required_fields
from huiyuan.domain.program import JoinCondition, JoinKind, Membership
from huiyuan.errors import Invalid
from huiyuan.services.inputs import MemberIn

DAY = date(2026, 3, 1)


def refused(terms: Membership, **form: Any) -> str:
    with pytest.raises(Invalid) as caught:
        check_join(terms, MemberIn(**{"name": "李雷", "phone": "13800000001", **form}), DAY)
    return caught.value.code


def admitted(terms: Membership, **form: Any) -> None:
    check_join(terms, MemberIn(**{"name": "李雷", "phone": "13800000001", **form}), DAY)


def test_kind_offered_and_unit_needs_name_and_phone_only():
    terms = Membership(kinds=("personal", "unit"), required_fields=("name", "phone", "birthday"))
    assert refused(terms, kind="group") == "kind_not_offered"
    assert refused(terms) == "missing_fields"
    admitted(terms, kind="unit")
    assert required_fields(terms, "unit") == ("name", "phone")


def test_staff_id_type_and_group_level():
    terms = Membership(
        kinds=("personal", "group"),
        staff_may_join=False,
        id_types=("resident_id",),
        group_levels=("1", "2"),
    )
    assert refused(terms, is_staff=True) == "staff_not_allowed"
    assert refused(terms, id_number="E12345678", id_type="passport") == "id_type_not_accepted"
    admitted(terms, id_type="passport")  # no number given: its type does not matter
    assert refused(terms, kind="group") == "group_level_required"
    assert refused(terms, group_level="1") == "group_level_not_allowed"
    admitted(terms, kind="group", group_level="2")


def test_minimum_age_on_the_day_of_joining():
    terms = Membership(min_age=18)
    assert refused(terms, birthday="2008-03-02") == "too_young"
    admitted(terms, birthday="2008-03-01")
    assert refused(terms, birthday="--03-01") == "birthday_required"
    feb29 = MemberIn(name="李雷", phone="13800000001", birthday="2008-02-29")
    check_join(terms, feb29, date(2026, 2, 28))  # 18 on Feb 28 in a year without Feb 29
    with pytest.raises(Invalid):
        check_join(terms, feb29, date(2026, 2, 27))


@pytest.mark.parametrize(
    ("condition", "spend", "fee", "met"),
    [
        (JoinCondition(kind=JoinKind.ANY), None, None, True),
        (JoinCondition(kind=JoinKind.FEE, amount=Decimal("20.00")), None, "19.99", False),
        (JoinCondition(kind=JoinKind.FEE, amount=Decimal("20.00")), None, "20.00", True),
        (
            JoinCondition(kind=JoinKind.RECEIPT_AT_LEAST, amount=Decimal("500")),
            "499.99",
            None,
            False,
        ),
        (
            JoinCondition(kind=JoinKind.SAME_DAY_SPEND_AT_LEAST, amount=Decimal("500")),
            "500",
            None,
            True,
        ),
        (JoinCondition(kind=JoinKind.FIRST_PURCHASE), "0.00", None, False),
        (JoinCondition(kind=JoinKind.FIRST_PURCHASE), "0.01", None, True),
    ],
)
def test_join_conditions(condition: JoinCondition, spend: str | None, fee: str | None, met: bool):
    terms = Membership(join_any=(condition,))
    form = {"qualifying_spend": spend, "fee_paid": fee}
    if met:
        admitted(terms, **form)
    else:
        assert refused(terms, **form) == "join_condition_not_met"
