"""The one range of dates and instants the portal accepts, shows and filters by.

The platform API refuses an instant outside [EARLIEST_INSTANT, LATEST_INSTANT); every
filter and calendar parameter refuses a day outside [EARLIEST_DAY, LATEST_DAY] with an
error next to its field; a stored row outside them (written before the rules existed)
is skipped or shown with a placeholder by the readers, listed and repaired by
`manage.py check_data` (docs/operations.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

EARLIEST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 1, 1, tzinfo=UTC)  # excluded
EARLIEST_DAY = EARLIEST_INSTANT.date()
LATEST_DAY = date(2099, 12, 31)  # included


def instant_in_range(value: datetime) -> bool:
    return EARLIEST_INSTANT <= value < LATEST_INSTANT


def day_in_range(value: date) -> bool:
    return EARLIEST_DAY <= value <= LATEST_DAY
