"""How billed minutes read (mm:ss for one call, two decimals for totals) and how an
amount of money reads (with its currency, in the reader's locale)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import pgettext


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


def money_text(value) -> str:
    """An amount with its currency, in the reader's locale: $1,234.56 / 1 234,56 $.

    Amounts are Canadian dollars (the service bills in one currency). The sign goes
    before the whole amount: -$12.50 / -12,50 $.
    """
    amount = money(value)
    number = formats.number_format(abs(amount), 2, use_l10n=True, force_grouping=True)
    text = pgettext("an amount of money in dollars", "$%(amount)s") % {"amount": number}
    return f"-{text}" if amount < 0 else text
