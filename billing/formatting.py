"""How billed minutes read: mm:ss for one call, two decimals for totals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def minutes_as_mmss(minutes) -> str:
    """Decimal minutes as mm:ss, rounded to the nearest second: 1.5 -> 01:30, 59.99 -> 59:59.

    Minutes are not wrapped into hours: 75 minutes read 75:00, as on the invoice.
    """
    if minutes is None or minutes == "":
        return ""
    try:
        seconds = (Decimal(str(minutes)) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return ""
    whole, rest = divmod(int(seconds), 60)
    return f"{whole:02d}:{rest:02d}"


def money(value) -> Decimal:
    """Any number as Decimal with two places (half up, as on a paper invoice)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
