"""An import batch: plain accruals worked out in memory against their members' state, then
written together with one statement per table, instead of a dozen statements a receipt.

The till's own code works each receipt out (`outcome.work_out`, `checkout.receipt_rows`,
`member_changes`, `ledger.entry_values`/`lot_values`), so an imported receipt is priced, earned
and recorded exactly as the same receipt at the till; only the writes wait for the batch's end.
What the rules read of earlier receipts (spend, counts, points per category) is the database plus
the receipts the batch holds (`BatchFacts`). A receipt the batch does not handle in memory (one
that spends points or vouchers, pays from stored value, names an authorised user, or whose
member owes clawed-back points) goes through the till's path after what is held is written.

The batch runs inside the import's transaction: on PostgreSQL its members' rows are locked in id
order before anything is worked out; SQLite's single writer needs no row locks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..domain.calendar import zone
from ..domain.expiry import expires_at
from ..domain.ledger import EntryKind
from ..domain.money import ZERO
from ..domain.records.members import Card, Member
from ..store.repos.members import history_row
from ..store.repos.programs import StoredProgram
from ..store.repos.requests import answer_row
from ..store.uow import UnitOfWork
from . import ledger
from .checkout import (
    member_changes,
    plain_accrual,
    purchase_answer,
    receipt_rows,
    record,
    tier_event,
)
from .context import Context, require_member
from .inputs import PurchaseIn
from .members import card_holder, check_store
from .outcome import Outcome, work_out
from .receipt_facts import Facts
from .results.till import PurchaseAnswer

# The member columns a receipt moves; written back once per batch.
_PROJECTION = (
    "points",
    "debt",
    "points_earned_total",
    "last_entry_id",
    "carry",
    "tier",
    "customer_class",
    "updated_at",
)


def commit_in_savepoint(
    ctx: Context,
    uow: UnitOfWork,
    stored: StoredProgram,
    data: PurchaseIn,
    at: datetime,
    now: datetime,
    fingerprint: str,
) -> PurchaseAnswer:
    """The till's path for one receipt inside an import's transaction, its answer stored
    under its number: a refusal undoes only this receipt's writes."""
    with uow.savepoint():
        answer = record(ctx, uow, stored, data, at, now)
        uow.requests.put(
            stored.program_id, "purchase", data.receipt_no, fingerprint, 201, answer, now
        )
    return answer


class MemberState:
    """A member's row as the batch has moved it so far (every column, as attributes; those a
    receipt reads typed, as `receipt_facts.MemberView` wants them)."""

    member_id: str
    status: str
    kind: str
    tier: str
    birthday: str | None
    anniversary: str | None
    group_level: str | None
    customer_class: str | None
    joined_at: datetime
    valid_until: date | None
    referrer_id: str | None
    store: str | None
    guide_id: str | None
    points: int
    debt: int
    points_earned_total: int
    last_entry_id: int | None
    carry: dict[str, Any]

    def __init__(self, member: Member):
        self.__dict__.update({f.name: getattr(member, f.name) for f in fields(member)})

    def projection(self) -> dict[str, Any]:
        return {"member_id": self.member_id, **{k: getattr(self, k) for k in _PROJECTION}}


class BatchFacts(Facts):
    """The database as it stands plus the receipts the batch holds but has not written."""

    def __init__(self, batch: AccrualBatch):
        super().__init__(batch.uow, batch.stored.program_id)
        self.batch = batch
        self._db: dict[tuple[Any, ...], Any] = {}
        # member → (occurred_at, paid, points per category) of each held receipt
        self.held: dict[str, list[tuple[datetime, Decimal, dict[str, int]]]] = defaultdict(list)

    def forget(self) -> None:
        """After a write: what the database says has changed, and nothing is held."""
        self._db.clear()
        self.held.clear()

    def _cached(self, key: tuple[Any, ...], read: Any) -> Any:
        if key not in self._db:
            self._db[key] = read()
        return self._db[key]

    def spend(
        self, member_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> tuple[Decimal, int]:
        total, count = self._cached(
            ("spend", member_id, since, until),
            lambda: super(BatchFacts, self).spend(member_id, since, until),
        )
        for at, paid, _ in self.held.get(member_id, ()):
            if (since is None or at >= since) and (until is None or at < until):
                total += paid
                count += 1
        return total, count

    def category_points(self, member_id: str, since: datetime, until: datetime) -> dict[str, int]:
        out = dict(
            self._cached(
                ("categories", member_id, since, until),
                lambda: super(BatchFacts, self).category_points(member_id, since, until),
            )
        )
        for at, _, per_cat in self.held.get(member_id, ()):
            if since <= at < until:
                for category, points in per_cat.items():
                    out[category] = out.get(category, 0) + points
        return out

    def receipt_count(self, member_id: str) -> int:
        count = self._cached(
            ("count", member_id), lambda: super(BatchFacts, self).receipt_count(member_id)
        )
        return int(count) + len(self.held.get(member_id, ()))

    def member(self, member_id: str) -> MemberState | None:
        return self.batch.member(member_id, required=False)


class AccrualBatch:
    def __init__(self, uow: UnitOfWork, stored: StoredProgram):
        self.uow = uow
        self.stored = stored
        self.facts = BatchFacts(self)
        self.members: dict[str, MemberState] = {}
        self.cards: dict[str, Card] = {}
        self._clear()

    def _clear(self) -> None:
        self.receipts: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.entries: list[dict[str, Any]] = []
        self.lots: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []
        self.touched: set[str] = set()

    def prepare(self, receipts: list[PurchaseIn]) -> None:
        """Reads (and on PostgreSQL locks, in id order) the members the plain receipts name,
        with their referrers, and the cards they are named by: two or three queries."""
        pid = self.stored.program_id
        ids = self._named([d for d in receipts if plain_accrual(d)])
        rows = self.uow.members.get_many(pid, list(ids), lock=False)
        referrers = self._referrers(rows) - ids
        if self.uow.locks_rows:
            rows = self.uow.members.get_many(pid, list(ids | referrers), lock=True)
        elif referrers:
            rows += self.uow.members.get_many(pid, list(referrers), lock=False)
        self.members = {r.member_id: MemberState(r) for r in rows}

    def _named(self, plain: list[PurchaseIn]) -> set[str]:
        """The members the receipts name, by id or by card (the cards are kept for `record`)."""
        pid = self.stored.program_id
        self.cards = self.uow.members.cards_many(pid, [d.card_no for d in plain if d.card_no])
        ids = {d.member_id for d in plain if d.member_id and not d.card_no}
        return ids | {c.member_id for c in self.cards.values()}

    def _referrers(self, rows: list[Member]) -> set[str]:
        """The referrers a receipt of these members may credit."""
        if not self.stored.program.earning.referrals:
            return set()
        return {r.referrer_id for r in rows if r.referrer_id}

    def member(self, member_id: str, required: bool = True) -> MemberState | None:
        state = self.members.get(member_id)
        if state is None:
            row = (
                require_member(self.uow, self.stored.program_id, member_id, lock=True)
                if required
                else self.uow.members.get(self.stored.program_id, member_id, lock=True)
            )
            if row is None:
                return None
            state = self.members[member_id] = MemberState(row)
        return state

    def record(
        self, data: PurchaseIn, at: datetime, now: datetime, fingerprint: str
    ) -> PurchaseAnswer | None:
        """Works a plain receipt out and holds its writes; its answer, or None when it needs
        the till's path (`till`). A refusal raises before anything is held."""
        if not plain_accrual(data):
            return None
        member_id = data.member_id
        if data.card_no:
            member_id = card_holder(data.card_no, self.cards.get(data.card_no), data.member_id)
        assert member_id is not None
        state = self.member(member_id)
        assert state is not None
        check_store(self.stored, state, data.store)
        referrer = None
        if state.referrer_id and self.stored.program.earning.referrals:
            referrer = self.member(state.referrer_id, required=False)
        if state.debt > 0 or (referrer is not None and referrer.debt > 0):
            return None  # a credit settles debt first, allocation by allocation
        out = work_out(self.facts, self.stored, state, data, at)
        self._hold(data, state, referrer, out, at, now)
        answer = purchase_answer(data, state.member_id, out, int(state.points), state.tier)
        self.answers.append(
            answer_row(
                self.stored.program_id, "purchase", data.receipt_no, fingerprint, 201, answer, now
            )
        )
        return answer

    def _hold(
        self,
        data: PurchaseIn,
        state: MemberState,
        referrer: MemberState | None,
        out: Outcome,
        at: datetime,
        now: datetime,
    ) -> None:
        stored = self.stored
        pid, mid = stored.program_id, state.member_id
        receipt, lines = receipt_rows(stored, data, state, out, at, now)
        self.receipts.append(receipt)
        self.lines.extend(lines)
        per_cat: dict[str, int] = defaultdict(int)
        for line in lines:
            per_cat[line["category"]] += line["points"]
        self.facts.held[mid].append((at, receipt["paid_net"] or ZERO, per_cat))
        expiry = expires_at(stored.program.expiry, at, zone(stored.program.timezone))
        if out.priced.points > 0:
            posting = ledger.Posting(pid, mid, at, now, ref=data.receipt_no, reason="purchase")
            self._credit(state, posting, out.priced.points, expiry, EntryKind.EARN)
        if out.referral_points > 0 and referrer is not None:
            posting = ledger.Posting(
                pid, referrer.member_id, at, now, ref=data.receipt_no, reason=f"referral: {mid}"
            )
            self._credit(referrer, posting, out.referral_points, expiry, EntryKind.BONUS)
        changes = member_changes(state, out)
        if out.tier_changed:
            self.history.append(
                history_row(pid, mid, "tier_changed", tier_event(out, data), None, at, now)
            )
        if changes:
            state.__dict__.update(changes, updated_at=now)
            self.touched.add(mid)

    def _credit(
        self,
        state: MemberState,
        posting: ledger.Posting,
        points: int,
        expiry: datetime | None,
        kind: EntryKind,
    ) -> None:
        """As `ledger.credit` for a member who owes nothing: an entry, its lot, the balance."""
        self.entries.append(ledger.entry_values(posting, kind, points))
        self.lots.append(ledger.lot_values(posting, None, points, expiry))
        state.points += points
        state.points_earned_total += points
        self.touched.add(state.member_id)

    def flush(self) -> None:
        """Writes what is held: one statement per table (a few for many members' cards)."""
        if not self.receipts:
            return
        uow = self.uow
        uow.receipts.add_many(self.receipts, self.lines)
        if self.entries:
            ids = uow.ledger.add_entries(self.entries)
            for lot, entry_id, entry in zip(self.lots, ids, self.entries, strict=True):
                lot["entry_id"] = entry_id
                self.members[entry["member_id"]].last_entry_id = entry_id
            uow.ledger.add_lots(self.lots)
        uow.members.set_projections(
            self.stored.program_id, [self.members[m].projection() for m in sorted(self.touched)]
        )
        uow.members.record_many(self.history)
        uow.requests.put_many(self.answers)
        self._clear()
        self.facts.forget()

    def till(
        self, ctx: Context, data: PurchaseIn, at: datetime, now: datetime, fingerprint: str
    ) -> PurchaseAnswer:
        """A receipt the batch does not work out in memory: what is held is written first, then
        the receipt goes through the till's path, which reads and moves its members itself, in
        a savepoint: a refusal there (not enough points, say) undoes only this receipt."""
        self.flush()
        answer = commit_in_savepoint(ctx, self.uow, self.stored, data, at, now, fingerprint)
        # Its member and referrer moved in the database: read them afresh when next needed.
        # A member not read in advance may be anyone's referrer: then everyone is re-read.
        state = self.members.get(answer["member_id"])
        if state is None:
            self.members.clear()
        else:
            self.members.pop(state.member_id, None)
            if state.referrer_id:
                self.members.pop(state.referrer_id, None)
        self.facts.forget()
        return answer
