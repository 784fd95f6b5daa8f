"""What the till's operations answer: quote, purchase, return, check-in, review."""

from __future__ import annotations

from ...services.results.till import CheckInAnswer as CheckInAnswer
from ...services.results.till import PricedLineAnswer as PricedLineAnswer
from ...services.results.till import PurchaseAnswer as PurchaseAnswer
from ...services.results.till import ReturnAnswer as ReturnAnswer
from ...services.results.till import ReviewAnswer as ReviewAnswer
from ...services.results.till import TierChange as TierChange
from ...services.results.till import Totals as Totals
