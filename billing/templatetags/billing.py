from django import template

from billing.formatting import minutes_as_mmss

register = template.Library()


@register.filter
def mmss(minutes) -> str:
    """Billed minutes as mm:ss ({{ call.billing_units|mmss }})."""
    return minutes_as_mmss(minutes)
