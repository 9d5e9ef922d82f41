from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import localize
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """66.7 -> "66.7%" (or the locale's way, e.g. "66,7 %"); blank for no value."""
    if value is None:
        return ""
    return _("%(value)s%%") % {"value": localize(value)}
