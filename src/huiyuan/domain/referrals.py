"""Referrals: what a referrer earns from the purchases of a member they referred, and what a
return of such a purchase takes back."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .money import floor_points
from .program import Referral, ReferralKind
from .records.receipts import Receipt


def pays_first_purchase(referrals: Sequence[Referral]) -> bool:
    """Whether a referral rule pays for the referred member's first purchase (the till then
    asks whether this receipt is the first)."""
    return any(ref.kind is ReferralKind.FIRST_PURCHASE for ref in referrals)


def referral_award(
    referrals: Sequence[Referral], referrer_tier: str, points: int, first_purchase: bool
) -> tuple[int, int]:
    """(share, bonus) an active referrer of `referrer_tier` earns from a purchase earning
    `points`: each share rounded down on its own, the fixed bonus on the first purchase only."""
    share = bonus = 0
    for ref in referrals:
        if ref.referrer_tiers and referrer_tier not in ref.referrer_tiers:
            continue
        if ref.kind is ReferralKind.SHARE:
            share += floor_points(points * ref.rate)
        elif ref.kind is ReferralKind.FIRST_PURCHASE and first_purchase:
            bonus += ref.points
    return share, bonus


def referral_clawback(receipt: Receipt, points_reversed: int, all_returned: bool) -> int:
    """The referral points a return takes back from the referrer, `points_reversed` being the
    receipt's points reversed once this return is counted.

    The referrer keeps the share of what the purchase still earns, rounded down as the share
    itself was: half of 950 is 475; after returning half, half of 475 is 237 kept. A fixed
    first-purchase bonus goes back only once the whole receipt has been returned."""
    if not receipt.referrer_id:
        return 0
    due = 0
    if receipt.points_earned > 0:
        remaining = max(receipt.points_earned - points_reversed, 0)
        kept = floor_points(Decimal(receipt.referral_share) * remaining / receipt.points_earned)
        due += receipt.referral_share - kept
    if all_returned:
        due = receipt.referral_share + receipt.referral_bonus
    return max(0, due - receipt.referral_reversed)
