"""The states a member, card, voucher, redemption and the like can be in.

`StrEnum` members equal their stored strings, so rows read from the database compare
with them directly and the wire format stays the plain string."""

from __future__ import annotations

from enum import StrEnum


class MemberStatus(StrEnum):
    PENDING = "pending"  # enrolled, waiting for activation (a first purchase, a fee, a manager)
    ACTIVE = "active"
    CANCELLED = "cancelled"


class CardStatus(StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    REPLACED = "replaced"
    CANCELLED = "cancelled"


class VoucherStatus(StrEnum):
    ISSUED = "issued"
    USED = "used"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # shown, never stored: an issued voucher past its validity


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class AccountUserStatus(StrEnum):
    ACTIVE = "active"  # may earn into a shared account, and spend with the holder's consent
    REVOKED = "revoked"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class TokenStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class JobStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class StaffStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
