"""Inbound calls with the telephony fields of docs/statistics.md (defaults: an answered call)."""

from __future__ import annotations

import itertools
from datetime import datetime

from calllog.models import Call
from stats.rollup import Before, after_write

_numbers = itertools.count(1)


def make_call(account, started_at: datetime, **fields) -> Call:
    """A call written as calllog.actions.write_call writes a new one: row and rollup."""
    values = {
        "direction": Call.Direction.INBOUND,
        "kind": Call.Kind.CONVERSATION,
        "duration_s": 120,
        "busy": False,
        "queued_s": 0,
        "assigned_s": 4,
        "answered_s": 12,
        "work_s": 150,
        "hold_s": 0,
        "patch_s": None,
        **fields,
    }
    call = Call.objects.create(
        account=account, external_id=f"stats-{next(_numbers)}", started_at=started_at, **values
    )
    after_write(Before(account.pk, account.tzinfo, None), call)
    return call
