"""A trigram index on Message.search_text, so the inbox's "contains" search stays fast.

PostgreSQL only (pg_trgm + GIN); on SQLite (the demo) this migration does nothing.
"""

from django.db import migrations

INDEX = "message_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("messages_app", "Message")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("messages_app", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
