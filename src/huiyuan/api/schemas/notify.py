"""Response models of the notification routes: the services' answers
(services/results/notify)."""

from __future__ import annotations

from ...services.results.notify import BalanceList as BalanceList
from ...services.results.notify import ExpiringPoints as ExpiringPoints
from ...services.results.notify import MemberBalance as MemberBalance
from ...services.results.notify import MessageView as MessageView
from ...services.results.notify import NotifyPrefsView as NotifyPrefsView
from ...services.results.notify import OutboxCounts as OutboxCounts
from ...services.results.notify import OutboxPage as OutboxPage
from ...services.results.notify import SendRound as SendRound
