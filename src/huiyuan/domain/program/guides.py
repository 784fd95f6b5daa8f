"""Shopping guides (导购) and the customer classes (客户分级) their service plans are for."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from .base import Frozen, Rate


class ClassMetric(StrEnum):
    YEAR_POINTS = "year_points"  # points earned in the calendar year so far
    WINDOW_SPEND = "window_spend"  # paid in the trailing `days`


class ClassBand(Frozen):
    code: str
    at_least: Rate = Decimal(0)


class Classes(Frozen):
    """Customer classes (客户分级): bands over a metric, overall and optionally per category."""

    metric: ClassMetric
    days: int | None = Field(default=None, ge=1)
    bands: tuple[ClassBand, ...] = Field(min_length=1)
    per_category: bool = False
    on_receipt: bool = False  # kept up to date with every receipt (else by the job)

    @model_validator(mode="after")
    def _check(self) -> Classes:
        if self.metric is ClassMetric.WINDOW_SPEND and self.days is None:
            raise ValueError("window_spend needs days")
        return self

    def band_for(self, value: Decimal) -> str:
        best = self.bands[0].code
        for band in sorted(self.bands, key=lambda b: b.at_least):
            if value >= band.at_least:
                best = band.code
        return best


class GuideRules(Frozen):
    """Shopping guides (导购): ownership of members, its reclaim, and commission."""

    ownership_months: int | None = Field(default=None, ge=1)  # none: ownership never lapses
    commission_rate: Rate = Decimal(0)  # of the guide's members' paid sales
    made_to_measure_flag: str | None = None  # lines with this flag are split with the company
    made_to_measure_guide_share: Rate = Decimal(1)
    feedback_hours: int = Field(default=24, ge=1)


class TaskKind(StrEnum):
    CALL = "call"
    BIRTHDAY_FLOWERS = "birthday_flowers"
    HOLIDAY_SMS = "holiday_sms"
    NEWS_SMS = "news_sms"


class PlannedTask(Frozen):
    kind: TaskKind
    every_months: int = Field(default=1, ge=1)  # call / news: every N months (from January)
    festivals: tuple[str, ...] = ("spring_festival", "mid_autumn", "national_day")  # holiday


class ServicePlan(Frozen):
    """What the owning guide does for members of some customer classes (服务计划)."""

    classes: tuple[str, ...] = Field(min_length=1)
    tasks: tuple[PlannedTask, ...] = ()
    feedback: bool = True  # feedback and complaints answered within the program's hours
