"""Create-or-replace by natural key, safe under concurrency (the API and the demo seed).

The row's unique constraint decides who creates: the first INSERT wins and a racing
one falls back to the row it lost to (Django's get_or_create with the constraint), and
the row is locked while it is compared and replaced, so 20 identical PUTs at once
leave exactly one row and report "created" once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
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
# statements, whatever its size (docs/api.md, "The batch"). Each helper is one statement and
# runs inside the caller's transaction.

type ExternalKey = tuple[int, str]  # (account_id, external_id)


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


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column.")
    return field


def _column(field: models.Field) -> str:
    return connection.ops.quote_name(str(field.column))


def _cast(field: models.Field) -> str:
    db_type = field.db_type(connection) or "text"
    # An explicit cast to varchar(n) would cut a longer text silently (and one to
    # numeric(p, s) round it): the plain type is assigned to the column, which refuses
    # a text that is too long, as an INSERT does.
    if db_type.startswith("varchar"):
        return "text"
    return db_type.split("(")[0] if db_type.startswith("numeric") else db_type


def _arrays(
    rows: Sequence[models.Model | Mapping[str, Any]],
    fields: Sequence[models.Field],
    *,
    add: bool,
) -> tuple[list[str], list[str], list[list]]:
    """One array per column (`unnest(%s::type[], ...)`): a statement of a few
    parameters, whatever the number of rows. A row is a model instance or a mapping of
    attribute names (a missing one takes the field's default). Returns the array types,
    the expression that reads each column from the unnested row, and the arrays."""
    types, reads, arrays = [], [], []
    for index, field in enumerate(fields):
        values = [_value(row, field, add) for row in rows]
        if isinstance(field, models.JSONField):
            # As text, parsed by PostgreSQL: an array of JSON documents is not adapted.
            types.append("text")
            reads.append(f"c{index}::jsonb")
            arrays.append(
                [
                    None if value is None else json.dumps(value, cls=field.encoder)
                    for value in values
                ]
            )
            continue
        types.append(_cast(field))
        reads.append(f"c{index}")
        arrays.append([field.get_db_prep_save(value, connection) for value in values])
    return types, reads, arrays


def _value(row: models.Model | Mapping[str, Any], field: models.Field, add: bool) -> Any:
    if isinstance(row, Mapping):
        return row[field.attname] if field.attname in row else field.get_default()
    return field.pre_save(row, add) if add else getattr(row, field.attname)


def _unnest(types: Sequence[str]) -> str:
    arrays = ", ".join(f"%s::{cast}[]" for cast in types)
    names = ", ".join(f"c{index}" for index in range(len(types)))
    return f"unnest({arrays}) AS v({names})"


def insert_ignoring_conflicts(
    model: type[models.Model],
    objs: Sequence[models.Model | Mapping[str, Any]],
    conflict: Sequence[str],
    returning: Sequence[str],
) -> list[tuple]:
    """INSERT the rows (instances, or mappings of attribute names) in one statement,
    skipping those whose `conflict` columns match a row (stored, or inserted at the same
    moment by another transaction once it commits); returns the `returning` columns of
    the rows actually inserted."""
    if not objs:
        return []
    if connection.vendor != "postgresql":
        return _insert_one_by_one(model, objs, conflict, returning)
    quote = connection.ops.quote_name
    columns = _insert_columns(model)
    types, reads, arrays = _arrays(objs, columns, add=True)
    names = ", ".join(_column(field) for field in columns)
    on = ", ".join(_column(_field(model, name)) for name in conflict)
    back = ", ".join(_column(_field(model, name)) for name in returning)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(reads)} "  # noqa: S608 (names)
            f"FROM {_unnest(types)} ON CONFLICT ({on}) DO NOTHING RETURNING {back}",
            arrays,
        )
        return cursor.fetchall()


def _insert_one_by_one(
    model: type[models.Model],
    objs: Sequence[models.Model | Mapping[str, Any]],
    conflict: Sequence[str],
    returning: Sequence[str],
) -> list[tuple]:
    """insert_ignoring_conflicts for the SQLite of `make demo`, which has no unnest():
    one INSERT per row, skipping a row whose `conflict` columns are already stored
    (one process writes there, so no other transaction can insert it meanwhile)."""
    manager = model._default_manager
    keys = [_field(model, name).attname for name in conflict]
    back = [_field(model, name).attname for name in returning]
    inserted = []
    for row in objs:
        obj = model(**row) if isinstance(row, Mapping) else row
        if manager.filter(**{key: getattr(obj, key) for key in keys}).exists():
            continue
        obj.save(force_insert=True)
        inserted.append(tuple(getattr(obj, name) for name in back))
    return inserted


def insert_new[M: models.Model](new: dict[ExternalKey, M]) -> dict[ExternalKey, M]:
    """Insert these new rows (by (account, external_id)); returns those inserted, not
    those another request inserted first, each with its id."""
    if not new:
        return {}
    model = type(next(iter(new.values())))
    inserted = insert_ignoring_conflicts(
        model, list(new.values()), ["account", "external_id"], ["id", "account", "external_id"]
    )
    created = {}
    for pk, account_id, external_id in inserted:
        row = new[(account_id, external_id)]
        row.pk = pk
        row._state.adding = False
        row._state.db = "default"
        created[(account_id, external_id)] = row
    return created


def update_rows(objs: Sequence[models.Model], field_names: Sequence[str]) -> None:
    """UPDATE these rows' `field_names` to the objects' values in one statement
    (UPDATE ... FROM unnest(...)), where bulk_update's CASE grows with the rows."""
    if not objs or not field_names:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, field_names)
        return
    quote = connection.ops.quote_name
    pk = _field(model, "pk")
    fields = [pk, *(_field(model, name) for name in field_names)]
    types, reads, arrays = _arrays(objs, fields, add=False)
    table = quote(model._meta.db_table)
    assignments = ", ".join(
        f"{_column(field)} = {read}" for field, read in zip(fields[1:], reads[1:], strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {_unnest(types)} "  # noqa: S608 (names)
            f"WHERE {table}.{_column(pk)} = v.c0",
            arrays,
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
