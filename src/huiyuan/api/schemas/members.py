"""The answers of enrolment, member look-up and changes, history, personal data and programs."""

from __future__ import annotations

from ...services.results.members import Enrolled as Enrolled
from ...services.results.members import History as History
from ...services.results.members import HistoryItem as HistoryItem
from ...services.results.members import MemberList as MemberList
from ...services.results.members import MemberView as MemberView
from ...services.results.members import PersonalData as PersonalData
from ...services.results.members import ProgramDescription as ProgramDescription
from ...services.results.members import ProgramList as ProgramList
from ...services.results.members import ProgramSummary as ProgramSummary
from ...services.results.members import TierName as TierName
