"""Answers of the card routes and the audit log."""

from __future__ import annotations

from ...services.results.cards import AuditEntryView as AuditEntryView
from ...services.results.cards import AuditPage as AuditPage
from ...services.results.cards import CardCancelled as CardCancelled
from ...services.results.cards import CardEventView as CardEventView
from ...services.results.cards import CardView as CardView
from ...services.results.cards import LossReported as LossReported
from ...services.results.cards import NewCard as NewCard
from ...services.results.cards import PasswordSet as PasswordSet
