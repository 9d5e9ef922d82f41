"""The caller number's digits as a stored generated column (filled for every existing call
as the column is added), with a trigram index on PostgreSQL for the call log's caller
search ("contains these digits"). On SQLite (the demo) the column only."""

import calllog.models
from django.db import migrations, models

INDEX = "call_caller_digits_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON calllog_call USING gin (caller_digits gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("calllog", "0003_call_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="caller_digits",
            field=models.GeneratedField(
                db_persist=True,
                expression=calllog.models.Digits("caller_number"),
                output_field=models.CharField(blank=True, max_length=64),
            ),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
