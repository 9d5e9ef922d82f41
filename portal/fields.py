"""A JSON column read defensively (accepted means displayable, docs/api.md).

The API now refuses a `details` object deeper than 8 levels or larger than 64 KB, but a
row stored before that rule may hold 2,000 levels (which Python's decoder cannot read)
or 10 MB (which no page should render). Such a value is read as `Unreadable`, an empty
mapping that says why, with a log line; the page shows a placeholder instead.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import models

logger = logging.getLogger("portal.fields")

MAX_DEPTH = 8
MAX_BYTES = 64 * 1024
# What PostgreSQL hands back is its own spelling of the JSON (", " and ": " between
# items), a little longer than the compact text the API measured: read up to twice that.
MAX_READ_BYTES = 2 * MAX_BYTES


class Unreadable(dict):
    """A stored JSON value too large or too deep to show: empty, with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class BoundedJSONField(models.JSONField):
    def from_db_value(self, value: Any, expression, connection) -> Any:
        if isinstance(value, str) and len(value) > MAX_READ_BYTES:
            logger.warning(
                "%s: a stored value of %d characters is not shown (over %d): run "
                "`manage.py check_data`.",
                self,
                len(value),
                MAX_READ_BYTES,
            )
            return Unreadable("too large")
        try:
            return super().from_db_value(value, expression, connection)
        except RecursionError:
            logger.warning(
                "%s: a stored value nested too deep to read is not shown: run "
                "`manage.py check_data`.",
                self,
            )
            return Unreadable("too deep")


def depth(value: Any, limit: int = MAX_DEPTH + 1) -> int:
    """How many levels of objects and arrays `value` holds, counted up to `limit` (no
    recursion, so any depth is safe to measure)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level >= limit:
                return limit
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest
