"""Create-or-replace by natural key, safe under concurrency (the API and the demo seed).

The row's unique constraint decides who creates: the first INSERT wins and a racing
one falls back to the row it lost to (Django's get_or_create with the constraint), and
the row is locked while it is compared and replaced, so 20 identical PUTs at once
leave exactly one row and report "created" once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models, transaction


class Outcome(StrEnum):
    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


def upsert[M: models.Model](
    model: type[M], key: dict[str, Any], values: dict[str, Any]
) -> tuple[M, Outcome]:
    with transaction.atomic():
        obj, created = model._default_manager.select_for_update().get_or_create(
            **key, defaults=values
        )
        if created:
            return obj, Outcome.CREATED
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            return obj, Outcome.UNCHANGED
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        return obj, Outcome.REPLACED
