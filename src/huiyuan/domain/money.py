"""Money is Decimal yuan with two places, rounded half up; points are whole integers.

There is one constructor for each so that no float can slip into the money or points path.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_MAX = Decimal("100000000.00")
POINTS_MAX = 2**31 - 1


class MoneyError(ValueError):
    """A value that cannot be money."""


def money(value: Decimal | str | int) -> Decimal:
    """Yuan with two places, half up (四舍五入). Floats are refused, not rounded."""
    if type(value) is Decimal and value.is_finite():  # the common case, called very often
        return value.quantize(FEN, rounding=ROUND_HALF_UP)
    if isinstance(value, float | bool):
        raise MoneyError(f"money must not be a float or bool: {value!r}")
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not d.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return d.quantize(FEN, rounding=ROUND_HALF_UP)


def exact(value: Decimal | str | int) -> Decimal:
    """An exact decimal (rates, multiples, quantities), never rounded."""
    if isinstance(value, float | bool):
        raise MoneyError(f"a rate must not be a float: {value!r}")
    d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    if not d.is_finite():
        raise MoneyError(f"not a finite number: {value!r}")
    return d


def floor_points(value: Decimal) -> int:
    """Points are whole: the fraction is dropped once, last (积分不保留小数位)."""
    if value < 0:
        return -int((-value).to_integral_value(rounding=ROUND_DOWN))
    return int(value.to_integral_value(rounding=ROUND_DOWN))


def fmt(value: Decimal) -> str:
    """The wire form of money: a string with exactly two places."""
    return str(money(value))


def split_pro_rata(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Spread money over weights to the fen; the shares add up to the total exactly.

    Largest remainder: every share is rounded down to the fen, then the missing fen go to the
    shares with the largest cut-off fractions (ties to the earlier line), so a receipt-level
    amount never gains or loses a fen when spread over its lines.
    """
    total = money(total)
    weight_sum = sum(weights, Decimal(0))
    if not weights:
        return []
    if weight_sum <= 0:
        shares = [ZERO] * len(weights)
        shares[0] = total
        return shares
    raw = [total * w / weight_sum for w in weights]
    shares = [r.quantize(FEN, rounding=ROUND_DOWN) for r in raw]
    missing = int(((total - sum(shares, ZERO)) / FEN).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - shares[i]), i))
    for i in order[:missing]:
        shares[i] += FEN
    return shares


def split_points_pro_rata(total: int, weights: list[Decimal]) -> list[int]:
    """Spread whole points over weights (largest remainder); the parts add up to the total."""
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        parts = [0] * len(weights)
        parts[0] = total
        return parts
    raw = [Decimal(total) * w / weight_sum for w in weights]
    parts = [floor_points(r) for r in raw]
    missing = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:missing]:
        parts[i] += 1
    return parts
