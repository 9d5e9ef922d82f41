from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def section_url(section, account) -> str:
    return section.url(account.number)


@register.filter
def local(value: datetime | None, account) -> datetime | None:
    """An instant in the account's time zone (for date/time filters after it)."""
    if value is None:
        return None
    return timezone.localtime(value, account.tzinfo)


@register.filter
def duration(seconds) -> str:
    """Seconds as h:mm:ss or m:ss."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(round(float(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (e.g. the page number)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def page_query(context, number: int, param: str = "") -> str:
    """The current query string showing page `number` of a list (parameter `param`, or "page")."""
    return query_with(context, **{param or "page": number})


@register.filter
def widget(field) -> str:
    """Render a form field's widget with Bootstrap's classes and its error wiring."""
    input_type = getattr(field.field.widget, "input_type", "")
    css = "form-select" if input_type == "select" else "form-control"
    if input_type == "checkbox":
        css = "form-check-input"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.id_for_label}_error"
    return field.as_widget(attrs=attrs)
