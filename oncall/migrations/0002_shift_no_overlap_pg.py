"""PostgreSQL only: shifts of one schedule never overlap, enforced by the database too.

An exclusion constraint on (schedule, [starts_at, ends_at)). The schedule is compared as a
one-value int8range with && so no btree_gist extension is needed. SQLite (the demo) relies
on the locked check in write_shift() and Shift.clean().
"""

from django.db import migrations

CREATE = """
ALTER TABLE oncall_shift ADD CONSTRAINT shift_no_overlap EXCLUDE USING gist (
    int8range(schedule_id, schedule_id, '[]') WITH &&,
    tstzrange(starts_at, ends_at, '[)') WITH &&
)
"""
DROP = "ALTER TABLE oncall_shift DROP CONSTRAINT IF EXISTS shift_no_overlap"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("oncall", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
