from django import template

from billing.formatting import minutes_as_mmss, money_text

register = template.Library()


@register.filter
def mmss(minutes) -> str:
    """Billed minutes as mm:ss ({{ call.billing_units|mmss }})."""
    return minutes_as_mmss(minutes)


@register.filter
def money(value) -> str:
    """An amount with its currency in the reader's locale ({{ invoice.total|money }})."""
    return money_text(value)
