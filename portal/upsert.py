"""Create-or-replace by natural key, safe under concurrency (the API and the demo seed).

The row's unique constraint decides who creates: the first INSERT wins and a racing
one falls back to the row it lost to (Django's get_or_create with the constraint), and
the row is locked while it is compared and replaced, so 20 identical PUTs at once
leave exactly one row and report "created" once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from django.db import connection, models, transaction


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


# Set-based writes by (account, external_id): what a batch of the API writes in a few
# statements, whatever its size (docs/api.md, "Batch"). Each helper is one statement (or
# one per MAX_PARAMETERS values) and runs inside the caller's transaction.

type ExternalKey = tuple[int, str]  # (account_id, external_id)

# PostgreSQL takes at most 65,535 parameters in one statement.
MAX_PARAMETERS = 60_000


def _insert_columns(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    ]


def lock_by_external_id[M: models.Model](
    model: type[M], keys: Iterable[ExternalKey]
) -> dict[ExternalKey, M]:
    """The rows of these keys, locked (FOR UPDATE, in id order so two writers never wait
    on each other in a circle), in one query."""
    by_account: dict[int, set[str]] = {}
    for account_id, external_id in keys:
        by_account.setdefault(account_id, set()).add(external_id)
    if not by_account:
        return {}
    condition = models.Q()
    for account_id, external_ids in by_account.items():
        condition |= models.Q(account_id=account_id, external_id__in=sorted(external_ids))
    rows = model._default_manager.select_for_update().filter(condition).order_by("pk")
    return {(row.account_id, row.external_id): row for row in rows}  # type: ignore[attr-defined]


def insert_ignoring_conflicts(
    objs: Sequence[models.Model], conflict: Sequence[str], returning: Sequence[str]
) -> list[tuple]:
    """INSERT the objects, skipping those whose `conflict` columns match a row (stored or
    inserted at the same moment by another transaction, once it commits); returns the
    `returning` columns of the rows actually inserted, in the objects' order."""
    if not objs:
        return []
    model = type(objs[0])
    quote = connection.ops.quote_name
    columns = _insert_columns(model)
    names = ", ".join(quote(field.column) for field in columns)
    on = ", ".join(quote(model._meta.get_field(name).column) for name in conflict)
    back = ", ".join(quote(model._meta.get_field(name).column) for name in returning)
    table = quote(model._meta.db_table)
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [
                field.get_db_prep_save(field.pre_save(obj, add=True), connection)
                for obj in chunk
                for field in columns
            ]
            values = ", ".join([row_sql] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values} "  # noqa: S608 (names only)
                f"ON CONFLICT ({on}) DO NOTHING RETURNING {back}",
                params,
            )
            found.extend(cursor.fetchall())
    return found


def _cast(field: models.Field) -> str:
    db_type = field.db_type(connection) or "text"
    # An explicit cast to varchar(n) would cut a longer text silently (and one to
    # numeric(p, s) round it): the plain type is assigned to the column, which refuses
    # a text that is too long, as an INSERT does.
    if db_type.startswith("varchar"):
        return "text"
    return db_type.split("(")[0] if db_type.startswith("numeric") else db_type


def update_rows(objs: Sequence[models.Model], field_names: Sequence[str]) -> None:
    """UPDATE these rows' `field_names` to the objects' values: one statement (UPDATE ...
    FROM VALUES) for any number of rows, where bulk_update's CASE grows with the rows."""
    if not objs or not field_names:
        return
    model = type(objs[0])
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    pk = model._meta.pk
    table = quote(model._meta.db_table)
    aliases = ["pk", *(f"v{index}" for index in range(len(fields)))]
    casts = [_cast(pk), *(_cast(field) for field in fields)]
    row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    assignments = ", ".join(
        f"{quote(field.column)} = v.{alias}"
        for field, alias in zip(fields, aliases[1:], strict=True)
    )
    per_statement = max(1, MAX_PARAMETERS // len(aliases))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = []
            for obj in chunk:
                params.append(obj.pk)
                params.extend(
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for field in fields
                )
            values = ", ".join([row_sql] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) "  # noqa: S608
                f"AS v({', '.join(aliases)}) WHERE {table}.{quote(pk.column)} = v.pk",
                params,
            )


def plan_writes(
    writes: Sequence[tuple[ExternalKey, dict[str, Any]]],
    stored: dict[ExternalKey, dict[str, Any]],
) -> tuple[list[Outcome], dict[ExternalKey, dict[str, Any]]]:
    """The outcome of each write, in order, as `upsert` would give it one after the other
    (CREATED for the first write of a key without a row, then REPLACED when a value
    differs from the key's values so far, else UNCHANGED), and each key's final values."""
    current = {key: dict(values) for key, values in stored.items()}
    outcomes = []
    for key, values in writes:
        now = current.get(key)
        if now is None:
            current[key] = dict(values)
            outcomes.append(Outcome.CREATED)
        elif any(now[name] != value for name, value in values.items()):
            now.update(values)
            outcomes.append(Outcome.REPLACED)
        else:
            outcomes.append(Outcome.UNCHANGED)
    return outcomes, current
