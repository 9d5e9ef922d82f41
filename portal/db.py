"""Reading PostgreSQL values Python cannot hold without a server error.

PostgreSQL keeps timestamps from 4713 BC to 294276 AD; Python's datetime only years 1 to
9999. A row stored before the intake rules (portal/bounds.py) may hold such an instant
(`9999-12-31T23:59:59-14:00` is year 10000 in UTC): loading it would raise DataError and
answer 500 on every page that reads it. The loaders here load such a value as the
nearest bound of the portal's range instead, with a log line, so the page shows the row
with that placeholder date; `manage.py check_data` lists and repairs the row.

Installed on every new PostgreSQL connection (portal.apps).
"""

from __future__ import annotations

import logging

from django.db.backends.signals import connection_created

from portal.bounds import EARLIEST_DAY, EARLIEST_INSTANT, LATEST_DAY, LATEST_INSTANT

logger = logging.getLogger("portal.db")


def _too_early(error: Exception, data: bytes | bytearray | memoryview) -> bool:
    return "small" in str(error) or bytes(data).rstrip().endswith(b"BC")


def _tolerant(original: type, kind: str, early, late) -> type:
    """A loader wrapping `original` that loads an unrepresentable value as a bound."""
    from psycopg import DataError
    from psycopg.adapt import Loader

    class Tolerant(Loader):
        tolerant = True
        # Django compares the connection's timestamptz loader's zone with its own.
        timezone = getattr(original, "timezone", None)

        def __init__(self, oid, context=None) -> None:
            super().__init__(oid, context)
            self.inner = original(oid, context)

        def load(self, data):
            try:
                return self.inner.load(data)
            except DataError as error:
                bound = early if _too_early(error, data) else late
                logger.warning(
                    "A stored %s Python cannot hold (%s) is read as %s: run "
                    "`manage.py check_data` to repair it.",
                    kind,
                    bytes(data).decode(errors="replace"),
                    bound.isoformat(),
                )
                return bound

    return Tolerant


def install(sender, connection, **kwargs) -> None:
    """Put the tolerant loaders on a new psycopg 3 connection (no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    from psycopg import pq

    adapters = connection.connection.adapters
    for name, kind, early, late in (
        ("timestamptz", "instant", EARLIEST_INSTANT, LATEST_INSTANT),
        ("date", "date", EARLIEST_DAY, LATEST_DAY),
    ):
        original = adapters.get_loader(adapters.types[name].oid, pq.Format.TEXT)
        if original is not None and not getattr(original, "tolerant", False):
            adapters.register_loader(name, _tolerant(original, kind, early, late))


def connect() -> None:
    connection_created.connect(install, dispatch_uid="portal_tolerant_loaders")
