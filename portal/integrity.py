"""Finding and repairing stored rows that break the intake rules (docs/operations.md).

The API now refuses what a page cannot show (portal/bounds.py, portal/fields.py), but
rows stored before those rules may still hold an instant or a date outside the portal's
range, C0 control characters in text, or a JSON value too deep or too large. Every
column of the project's own models is checked, by the database (no row is loaded into
Python, so a value Python cannot hold is found too):

- DateTimeField: outside [1970-01-01, 2100-01-01) UTC; repaired by clamping to the range;
- DateField: outside 1970-01-01..2099-12-31; clamped the same way;
- CharField and TextField: C0 control characters other than tab, newline and carriage
  return; repaired by removing them;
- JSONField: deeper than 8 levels or larger than 64 KB; repaired by an empty value.

A row whose repair the database refuses (a unique key, a constraint between columns,
such as an on-call shift's end after its start) is deleted instead. Used by `manage.py
check_data` and, to log what the readers skip, by the daily purge.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction

from portal.bounds import EARLIEST_DAY, EARLIEST_INSTANT, LATEST_DAY, LATEST_INSTANT
from portal.fields import MAX_DEPTH, MAX_READ_BYTES

logger = logging.getLogger("portal.integrity")

CONTROL = r"[\x01-\x08\x0b\x0c\x0e-\x1f]"
# The latest instant a repair writes: the range's end is excluded.
LAST_INSTANT = LATEST_INSTANT - timedelta(seconds=1)


@dataclass(frozen=True)
class Rule:
    model: type[models.Model]
    field: models.Field
    problem: str  # "instant out of range", "date out of range", "control characters", ...
    where: str  # SQL condition on the column (quoted as %(column)s)
    params: tuple
    repair: str  # SQL expression of the repaired value
    repair_params: tuple

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    def _names(self) -> tuple[str, str, str]:
        """The table, its primary key column and this column, quoted."""
        quote = connection.ops.quote_name
        pk = self.model._meta.pk
        assert pk is not None and pk.column and self.field.column
        return quote(self.model._meta.db_table), quote(pk.column), quote(self.field.column)

    def _sql(self, text: str) -> str:
        return text % {"column": self._names()[2]}

    def find(self, limit: int | None = None) -> list:
        table, pk, _column = self._names()
        # Names are the models' own, quoted; values go as parameters.
        sql = f"SELECT {pk} FROM {table} WHERE {self._sql(self.where)} ORDER BY {pk}"  # noqa: S608
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            return [row[0] for row in cursor.fetchall()]

    def fix(self, pk) -> str:
        """Repair one row, or delete it when the repair is refused: "repaired" or "removed"."""
        table, pk_column, column = self._names()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {column} = {self._sql(self.repair)} "  # noqa: S608
                    f"WHERE {pk_column} = %s",
                    (*self.repair_params, pk),
                )
            return "repaired"
        except DatabaseError:
            with transaction.atomic():
                self.model._default_manager.filter(pk=pk).delete()
            logger.warning("%s: row %s could not be repaired and was removed.", self.label, pk)
            return "removed"


def _own_models() -> Iterator[type[models.Model]]:
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if Path(config.path).resolve().is_relative_to(base):
            for model in config.get_models():
                if not model._meta.proxy and model._meta.managed:
                    yield model


def rules() -> list[Rule]:
    """One rule per checked column of the project's models."""
    found = []
    for model in _own_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                found.append(
                    Rule(
                        model,
                        field,
                        "instant out of range",
                        "%(column)s < %%s OR %(column)s >= %%s",
                        (EARLIEST_INSTANT, LATEST_INSTANT),
                        "LEAST(GREATEST(%(column)s, %%s), %%s)",
                        (EARLIEST_INSTANT, LAST_INSTANT),
                    )
                )
            elif isinstance(field, models.DateField):
                found.append(
                    Rule(
                        model,
                        field,
                        "date out of range",
                        "%(column)s < %%s OR %(column)s > %%s",
                        (EARLIEST_DAY, LATEST_DAY),
                        "LEAST(GREATEST(%(column)s, %%s), %%s)",
                        (EARLIEST_DAY, LATEST_DAY),
                    )
                )
            elif isinstance(field, models.CharField | models.TextField):
                found.append(
                    Rule(
                        model,
                        field,
                        "control characters",
                        f"%(column)s ~ '{CONTROL}'",
                        (),
                        f"regexp_replace(%(column)s, '{CONTROL}', '', 'g')",
                        (),
                    )
                )
            elif isinstance(field, models.JSONField):
                path = (
                    f"strict $.**{{{MAX_DEPTH} to last}} "
                    '? (@.type() == "object" || @.type() == "array")'
                )
                empty = "'[]'::jsonb" if field.default is list else "'{}'::jsonb"
                found.append(
                    Rule(
                        model,
                        field,
                        "JSON too deep or too large",
                        f"octet_length(%(column)s::text) > {MAX_READ_BYTES} "
                        f"OR jsonb_path_exists(%(column)s::jsonb, '{path}')",
                        (),
                        empty,
                        (),
                    )
                )
    return found


@dataclass
class Finding:
    rule: Rule
    pks: list


def findings(*, only_instants: bool = False, limit: int | None = None) -> list[Finding]:
    """The rows breaking each rule (up to `limit` per column); PostgreSQL only."""
    if connection.vendor != "postgresql":
        return []
    result = []
    for rule in rules():
        if only_instants and rule.problem != "instant out of range":
            continue
        pks = rule.find(limit)
        if pks:
            result.append(Finding(rule, pks))
    return result


def log_unshown() -> int:
    """Log the rows whose instants the readers skip (the daily purge calls it)."""
    total = 0
    for finding in findings(only_instants=True, limit=20):
        total += len(finding.pks)
        logger.warning(
            "%s: rows %s hold instants outside %s..%s and are not shown: run "
            "`manage.py check_data --fix`.",
            finding.rule.label,
            finding.pks,
            EARLIEST_INSTANT.date(),
            LATEST_INSTANT.date(),
        )
    return total
