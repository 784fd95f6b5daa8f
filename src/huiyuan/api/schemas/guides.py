"""Response models of the guides routes: the services' answers (services/results/guides)."""

from __future__ import annotations

from ...services.results.guides import FeedbackTaken as FeedbackTaken
from ...services.results.guides import GuideMembers as GuideMembers
from ...services.results.guides import GuideView as GuideView
from ...services.results.guides import OwnershipHistory as OwnershipHistory
from ...services.results.guides import OwnershipItem as OwnershipItem
from ...services.results.guides import TaskList as TaskList
from ...services.results.guides import TaskView as TaskView
from ...services.results.guides import VipMonthly as VipMonthly
from ...services.results.guides import VipMonthlyRow as VipMonthlyRow
