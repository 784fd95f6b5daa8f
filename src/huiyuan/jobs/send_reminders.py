"""`send_reminders`: messages members are due as of the job's moment, under `[reminders]`.

- Expiry reminders N days before points expire (`expiry_days`, sales_points 30, 7 and 1): for
  each expiry moment of the member's points, the reminder of the smallest offset already
  reached is written once (a run that missed the 30-day day sends the 7-day one, not both).
- Tier-change notices for every `tier_changed` in the member's history in the last
  `tier_change_days` (a purchase's upgrade or the `evaluate_tiers` job's change).
- Upgrade-possible notices (fashion) when the member becomes eligible to apply for a higher
  tier (its `application.requires_any` on cumulative points or spend), once per tier.
- Redemption-window notices (supermarket) while a window is open, once per window, to members
  holding at least `redemption_min_points` (default: the cheapest reward's price).
- Balance statements on `balance_day` (sales_points: the 8th), once per month.

Every message goes to the outbox in the same transaction as the chunk of members that caused
it, keyed so a second run (or a resumed one) writes nothing twice. Sending is the sender's
job (`huiyuan notify send`, or the scheduler in `huiyuan serve`).
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select

from ..domain.calendar import business_date, zone
from ..domain.money import fmt
from ..domain.program import Metric, Program, Window
from ..notify.outbox import enqueue
from ..services import ledger
from ..services.context import Context
from ..store.repos.notices import NoticeQueries
from ..store.repos.programs import StoredProgram
from .base import JobResult, Progress, chunks, register


def open_window(windows: tuple[Window, ...], day: date) -> tuple[date, date] | None:
    """(first, last day) of the redemption window `day` is in, if any."""
    for w in windows:
        if day.month in w.months:
            last = _cal.monthrange(day.year, day.month)[1]
            first = max(1, last - w.last_days + 1)
            if day.day >= first:
                return date(day.year, day.month, first), date(day.year, day.month, last)
    return None


def upgrade_targets(program: Program) -> list[tuple[int, str, Metric, Decimal, Decimal]]:
    """(tier index, tier, metric, threshold, fee) of tiers a member may apply for on
    cumulative points or spend."""
    out: list[tuple[int, str, Metric, Decimal, Decimal]] = []
    for index, tier in enumerate(program.tiers):
        app = tier.application
        if app is None:
            continue
        for q in app.requires_any:
            if q.metric in (Metric.CUMULATIVE_POINTS, Metric.CUMULATIVE_SPEND):
                out.append((index, tier.code, q.metric, q.at_least, app.fee))
    return out


def expiry_offset(expiry_days: tuple[int, ...], expires: datetime, as_of: datetime) -> int | None:
    """The smallest configured offset whose day has come (expires - N days ≤ as_of)."""
    reached = [d for d in expiry_days if expires - timedelta(days=d) <= as_of]
    return min(reached) if reached else None


class SendReminders:
    name = "send_reminders"

    def run(
        self,
        ctx: Context,
        stored: StoredProgram,
        as_of: datetime,
        state: dict[str, Any],
        tick: Progress,
    ) -> JobResult:
        program = stored.program
        cfg = program.reminders
        pid = stored.program_id
        tz = zone(program.timezone)
        day = business_date(as_of, tz)
        horizon = as_of + timedelta(days=max(cfg.expiry_days)) if cfg.expiry_days else None
        tiers_since = as_of - timedelta(days=cfg.tier_change_days)
        targets = upgrade_targets(program) if cfg.upgrade_notices else []
        window = open_window(program.rewards.windows, day) if cfg.redemption_windows else None
        min_points = cfg.redemption_min_points
        if min_points is None:
            prices = [r.points for r in program.rewards.catalogue if r.points is not None]
            min_points = min(prices) if prices else 1
        balance_day = cfg.balance_day is not None and day.day == cfg.balance_day

        def candidates(q: NoticeQueries) -> list[Select[Any]]:
            selects: list[Select[Any]] = []
            if horizon is not None:
                selects.append(q.expiring_between(pid, as_of, horizon))
            if cfg.tier_changes:
                selects.append(q.tier_changed_between(pid, tiers_since, as_of))
            for _, _, metric, threshold, _ in targets:
                if metric is Metric.CUMULATIVE_POINTS:
                    selects.append(q.points_earned_at_least(pid, int(threshold)))
                else:
                    selects.append(q.spend_at_least(pid, threshold))
            if window is not None:
                selects.append(q.points_at_least(pid, min_points))
            if balance_day:
                selects.append(q.everyone(pid))
            return selects

        with ctx.uow(write=False) as uow:
            if not candidates(NoticeQueries(uow.conn)):
                return JobResult({"queued": {}, "note": "nothing to remind of today"})

        queued: dict[str, int] = dict(state.get("queued", {}))
        now = ctx.now()

        def pick(u: Any, after: str | None, n: int) -> list[str]:
            q = NoticeQueries(u.conn)
            return q.pick(candidates(q), after, n)

        for uow, ids in chunks(ctx, pick, state):
            q = NoticeQueries(uow.conn)
            for member_id in ids:
                member = uow.members.get(pid, member_id, lock=True)
                if member is None or member.status not in ("active",):
                    continue
                items: list[tuple[str, str, dict[str, Any]]] = []
                params: dict[str, Any]
                bal = ledger.balance_as_of(uow, pid, member_id, as_of)
                if horizon is not None:
                    for expires, points in bal.expiring:
                        if points <= 0 or expires <= as_of or expires > horizon:
                            continue
                        offset = expiry_offset(cfg.expiry_days, expires, as_of)
                        if offset is None:
                            continue
                        expires_day = business_date(expires, tz)
                        last_day = expires_day - timedelta(days=1)
                        key = f"expiry:{expires_day.isoformat()}:{offset}"
                        params = {
                            "points": points,
                            "last_day": last_day.isoformat(),
                            "days": (expires_day - day).days,
                            "offset": offset,
                        }
                        items.append(("expiry_reminder", key, params))
                if cfg.tier_changes:
                    for event in q.tier_changes(pid, member_id, tiers_since, as_of):
                        detail = event.detail or {}
                        old, new = detail.get("from"), detail.get("to")
                        if not old or not new or old == new:
                            continue
                        params = {
                            "tier_from": program.tier(old).name,
                            "tier_from_en": program.tier(old).name_en,
                            "tier_to": program.tier(new).name,
                            "tier_to_en": program.tier(new).name_en,
                            "day": business_date(event.occurred_at, tz).isoformat(),
                            "direction": "up"
                            if program.tier_index(new) > program.tier_index(old)
                            else "down",
                        }
                        items.append(("tier_changed", f"tier_changed:{event.history_id}", params))
                if targets:
                    current = program.tier_index(member.tier)
                    best = None
                    for index, code, metric, threshold, fee in targets:
                        if index <= current:
                            continue
                        if metric is Metric.CUMULATIVE_POINTS:
                            value = Decimal(int(member.points_earned_total))
                        else:
                            value = q.spend(pid, member_id, as_of)
                        if value >= threshold and (best is None or index > best[0]):
                            best = (index, code, metric, value, fee)
                    if best is not None:
                        _, code, metric, value, fee = best
                        tier = program.tier(code)
                        points_metric = metric is Metric.CUMULATIVE_POINTS
                        params = {
                            "tier": tier.name,
                            "tier_en": tier.name_en,
                            "metric": "累计积分" if points_metric else "累计消费",
                            "metric_en": "cumulative points"
                            if points_metric
                            else "cumulative spend",
                            "value": str(int(value)) if points_metric else fmt(value),
                            "fee": fmt(fee),
                        }
                        items.append(("upgrade_possible", f"upgrade:{code}", params))
                if window is not None and bal.points >= min_points:
                    start, end = window
                    params = {
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "points": bal.points,
                    }
                    items.append(("redemption_window", f"redemption:{start.isoformat()}", params))
                if balance_day:
                    soon = bal.expiring[0] if bal.expiring else None
                    expiring = expiring_en = ""
                    if soon is not None:
                        last = (business_date(soon[0], tz) - timedelta(days=1)).isoformat()
                        expiring = f"其中 {soon[1]} 积分有效期至 {last}。"
                        expiring_en = f"{soon[1]} of them are valid through {last}."
                    params = {
                        "points": bal.points,
                        "day": day.isoformat(),
                        "month": f"{day.year}-{day.month:02d}",
                        "expiring": expiring,
                        "expiring_en": expiring_en,
                    }
                    items.append(
                        ("balance_statement", f"balance:{day.year}-{day.month:02d}", params)
                    )
                for kind, key, params in items:
                    done = enqueue(uow, stored, member, kind, key, params, as_of, now)
                    if done.status != "duplicate":
                        queued[kind] = queued.get(kind, 0) + 1
            state["queued"] = queued
            tick(len(ids))
        return JobResult({"queued": queued})


register(SendReminders())
