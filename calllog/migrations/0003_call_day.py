"""The daily call rollup (CallDay) and, on PostgreSQL, the triggers that keep it.

Statement-level triggers with transition tables: one INSERT, UPDATE or DELETE of any
number of calls (an API write, a purge batch, a bulk load) adds its rows' counts to their
local days in one set-based statement, in the same transaction. A change of an account's
time zone moves its calls to other local days: that account's rows are recomputed.
"""

import django.db.models.deletion
from django.db import migrations, models

BILLED = "c.invoice_number <> '' AND c.billing_units IS NOT NULL"

# The sums of a set of calls `c` (joined to their account `a`) by account and local day.
SUMS = f"""
    SELECT c.account_id, (c.started_at AT TIME ZONE a.timezone)::date AS day,
           {{sign}} count(*) AS calls, {{sign}} coalesce(sum(c.duration_s), 0) AS seconds,
           {{sign}} count(*) FILTER (WHERE {BILLED}) AS billed_calls,
           {{sign}} coalesce(sum(c.billing_units) FILTER (WHERE {BILLED}), 0) AS billed_units
    FROM {{rows}} c JOIN accounts_account a ON a.id = c.account_id
    GROUP BY 1, 2
"""

APPLY = """
    INSERT INTO calllog_callday (account_id, day, calls, seconds, billed_calls, billed_units)
    SELECT account_id, day, sum(calls), sum(seconds), sum(billed_calls), sum(billed_units)
    FROM ({changes}) changes
    GROUP BY 1, 2
    HAVING sum(calls) <> 0 OR sum(seconds) <> 0 OR sum(billed_calls) <> 0
        OR sum(billed_units) <> 0
    ON CONFLICT (account_id, day) DO UPDATE SET
        calls = calllog_callday.calls + EXCLUDED.calls,
        seconds = calllog_callday.seconds + EXCLUDED.seconds,
        billed_calls = calllog_callday.billed_calls + EXCLUDED.billed_calls,
        billed_units = calllog_callday.billed_units + EXCLUDED.billed_units;
    DELETE FROM calllog_callday d USING ({changes}) changes
    WHERE d.account_id = changes.account_id AND d.day = changes.day
      AND d.calls = 0 AND d.billed_calls = 0;
"""

PLUS_NEW = SUMS.format(sign="", rows="new_rows")
MINUS_OLD = SUMS.format(sign="-", rows="old_rows")

FUNCTION = f"""
CREATE OR REPLACE FUNCTION calllog_call_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {APPLY.format(changes=PLUS_NEW)}
    ELSIF TG_OP = 'DELETE' THEN
        {APPLY.format(changes=MINUS_OLD)}
    ELSE
        {APPLY.format(changes=PLUS_NEW + " UNION ALL " + MINUS_OLD)}
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER calllog_call_days_insert AFTER INSERT ON calllog_call
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION calllog_call_days();
CREATE TRIGGER calllog_call_days_update AFTER UPDATE ON calllog_call
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION calllog_call_days();
CREATE TRIGGER calllog_call_days_delete AFTER DELETE ON calllog_call
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION calllog_call_days();

CREATE OR REPLACE FUNCTION calllog_account_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM calllog_callday WHERE account_id = NEW.id;
    INSERT INTO calllog_callday (account_id, day, calls, seconds, billed_calls, billed_units)
    {SUMS.format(sign="", rows="(SELECT * FROM calllog_call WHERE account_id = NEW.id)")};
    RETURN NULL;
END $$;

CREATE TRIGGER calllog_account_days AFTER UPDATE OF timezone ON accounts_account
    FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone)
    EXECUTE FUNCTION calllog_account_days();
"""

FILL = f"""
INSERT INTO calllog_callday (account_id, day, calls, seconds, billed_calls, billed_units)
{SUMS.format(sign="", rows="calllog_call")};
"""

DROP = """
DROP TRIGGER IF EXISTS calllog_account_days ON accounts_account;
DROP FUNCTION IF EXISTS calllog_account_days();
DROP TRIGGER IF EXISTS calllog_call_days_insert ON calllog_call;
DROP TRIGGER IF EXISTS calllog_call_days_update ON calllog_call;
DROP TRIGGER IF EXISTS calllog_call_days_delete ON calllog_call;
DROP FUNCTION IF EXISTS calllog_call_days();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(FILL)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("calllog", "0002_recording_sha256"),
    ]

    operations = [
        migrations.CreateModel(
            name="CallDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("calls", models.IntegerField(default=0)),
                ("seconds", models.BigIntegerField(default=0)),
                ("billed_calls", models.IntegerField(default=0)),
                ("billed_units", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("account", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.account")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("account", "day"), name="call_day_unique")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
