"""{% when instant schedule "D j N H:i" %}: an instant in the schedule's own zone, with its
UTC offset whenever that wall time happens twice (oncall.zones.when)."""

from __future__ import annotations

from django import template

from oncall import zones

register = template.Library()


@register.simple_tag
def when(instant, schedule, fmt: str = zones.DEFAULT_FORMAT) -> str:
    return zones.when(instant, schedule.tzinfo, fmt)
