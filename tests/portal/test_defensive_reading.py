"""Accepted means displayable: rows stored before the intake rules (extreme instants,
control characters, huge or deep details), written here with SQL past the API, break
no page, export, command or purge; `check_data` lists and repairs them."""

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from calllog.models import Call
from messages_app.models import Message, MessageEvent
from oncall.models import Shift
from portal.tasks import purge
from tests.factories import make_call, make_message, make_schedule, make_shift

pytestmark = pytest.mark.django_db

FAR = "9999-12-31T23:59:59-14:00"  # year 10000 in UTC: Python cannot hold it
BC = "0001-01-01T00:00:00+14:00"  # before year 1 in UTC


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def body(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def bad_rows(account):
    message = make_message(account, subject="Ok \x01subject")
    far = make_message(account, subject="Far future")
    bc = make_message(account, subject="Before year 1")
    sql("UPDATE messages_app_message SET taken_at = %s::timestamptz WHERE id = %s", [FAR, far.pk])
    sql("UPDATE messages_app_message SET taken_at = %s::timestamptz WHERE id = %s", [BC, bc.pk])
    sql(
        "UPDATE messages_app_messageevent SET at = %s::timestamptz, target = %s"
        " WHERE message_id = %s",
        [FAR, "in\x0bfo@example.com", message.pk],
    )
    sql(
        "UPDATE messages_app_message SET caller_name = %s WHERE id = %s",
        ["Ctrl \x01\x0b name", message.pk],
    )
    call = make_call(account, caller_name="Ctrl \x01\x0b name", agent="=cmd")
    far_call = make_call(account)
    deep = make_call(account, kind=Call.Kind.TRANSACTION)
    big = make_call(account, kind=Call.Kind.TRANSACTION)
    sql("UPDATE calllog_call SET started_at = %s::timestamptz WHERE id = %s", [FAR, far_call.pk])
    nested = "[" * 2000 + "]" * 2000
    sql(
        "UPDATE calllog_call SET details = %s::jsonb WHERE id = %s",
        ['{"reason": "x", "deep": ' + nested + "}", deep.pk],
    )
    sql(
        "UPDATE calllog_call SET details = %s::jsonb WHERE id = %s",
        [json.dumps({"blob": "y" * (10 * 1024 * 1024)}), big.pk],
    )
    return {
        "message": message,
        "far": far,
        "bc": bc,
        "call": call,
        "far_call": far_call,
        "deep": deep,
        "big": big,
    }


def fetch(client, url, run_tasks):
    """The page or file; an export made by the worker is made, then downloaded."""
    response = client.get(url)
    if response.status_code == 302 and "/exports/" in response.url:
        run_tasks()
        assert 'data-testid="export-download"' in client.get(response.url).content.decode()
        response = client.get(response.url + "download")
    return response


def test_every_page_and_export_of_the_account_answers(alice_client, account, bad_rows, run_tasks):
    base = f"/a/{account.number}"
    message, call = bad_rows["message"], bad_rows["call"]
    pages = [
        "/",
        "/messages/",
        f"/messages/{message.pk}/",
        "/messages/export.csv",
        "/messages/export.pdf",
        "/calls/",
        f"/calls/{call.pk}/",
        "/calls/export.csv",
        "/billing/calls/",
        "/stats/",
        "/access-log/",
    ]
    for page in pages:
        response = fetch(alice_client, base + page, run_tasks)
        assert response.status_code == 200, page
        body(response)
    inbox = alice_client.get(f"{base}/messages/").content.decode()
    assert "Far future" not in inbox  # skipped: its instant is outside the range
    for page in ("/messages/export.xlsx", "/calls/export.xlsx"):
        response = fetch(alice_client, base + page, run_tasks)
        assert response.status_code == 200, page
        workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
        text = " ".join(
            str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row
        )
        workbook.close()
        assert "Ctrl  name" in text, page  # the control characters are left out


def test_an_event_past_year_9999_shows_with_a_placeholder_and_a_log_line(
    alice_client, account, bad_rows, caplog
):
    with caplog.at_level(logging.WARNING, logger="portal.db"):
        response = alice_client.get(f"/a/{account.number}/messages/{bad_rows['message'].pk}/")
    assert response.status_code == 200
    assert any("check_data" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("which", "placeholder"),
    [("deep", "These details are too large to show."), ("big", "too large to show")],
)
def test_deep_or_huge_details_show_a_placeholder(
    alice_client, account, bad_rows, which, placeholder
):
    response = alice_client.get(f"/a/{account.number}/calls/{bad_rows[which].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert placeholder in html
    assert len(html) < 200_000


def test_the_french_pages_answer_too(alice, alice_client, account, bad_rows, run_tasks):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    deep = alice_client.get(f"/a/{account.number}/calls/{bad_rows['deep'].pk}/")
    assert "Ces détails sont trop volumineux pour être affichés." in deep.content.decode()
    for page in ("/", "/messages/", "/calls/", "/messages/export.xlsx", "/messages/export.pdf"):
        response = fetch(alice_client, f"/a/{account.number}{page}", run_tasks)
        assert response.status_code == 200, page
        body(response)


def test_a_message_dated_before_year_1_does_not_stop_the_purge(account, bad_rows, caplog):
    old = make_call(account, started_at=timezone.now() - timedelta(days=90))
    old_message = make_message(account, ago=timedelta(days=90))
    with caplog.at_level(logging.WARNING):
        removed = purge()
    assert removed["messages"] == 2
    assert not Message.objects.filter(pk__in=[bad_rows["bc"].pk, old_message.pk]).exists()
    assert not Call.objects.filter(pk=old.pk).exists()
    # What the pages skip is logged by the daily purge.
    assert any(
        "not shown" in r.getMessage() and "messages_app.Message.taken_at" in r.getMessage()
        for r in caplog.records
    )


def test_the_purge_carries_on_past_a_row_it_cannot_delete(account, monkeypatch, caplog):
    """A row whose deletion fails is skipped with a log line; the others go."""
    from django.db import DataError

    from messages_app import actions

    olds = [make_message(account, ago=timedelta(days=90 + i)) for i in range(5)]
    bad = olds[2]
    original = MessageEvent.objects.filter

    def failing_filter(*args, **kwargs):
        ids = kwargs.get("message_id__in")
        if ids is not None and bad.pk in ids:
            raise DataError("cannot delete this one")
        return original(*args, **kwargs)

    monkeypatch.setattr(MessageEvent.objects, "filter", failing_filter)
    with caplog.at_level(logging.WARNING, logger="portal.retention"):
        removed = actions.purge_messages(timezone.now() - timedelta(days=60), batch_size=2)
    assert removed == 4
    assert list(Message.objects.values_list("pk", flat=True)) == [bad.pk]
    assert any(f"row {bad.pk} cannot be deleted" in r.getMessage() for r in caplog.records)


def test_the_purge_command_still_purges_every_section(account, bad_rows):
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    text = out.getvalue()
    for name in ("messages", "calls", "access log", "ended sessions", "webhook events"):
        assert f"{name}:" in text, name


def test_check_data_lists_then_repairs_every_bad_row(account, bad_rows):
    schedule = make_schedule(account)
    shift = make_shift(schedule, timezone.now() + timedelta(days=3))
    sql("UPDATE oncall_shift SET ends_at = %s::timestamptz WHERE id = %s", [FAR, shift.pk])
    out = io.StringIO()
    call_command("check_data", stdout=out)
    listing = out.getvalue()
    assert "messages_app.Message.taken_at: instant out of range: rows " in listing
    assert str(bad_rows["far"].pk) in listing and str(bad_rows["bc"].pk) in listing
    assert (
        f"calllog.Call.started_at: instant out of range: rows {bad_rows['far_call'].pk}" in listing
    )
    assert "messages_app.Message.caller_name: control characters" in listing
    assert "messages_app.MessageEvent.target: control characters" in listing
    assert "calllog.Call.details: JSON too deep or too large: rows " in listing
    assert "oncall.Shift.ends_at: instant out of range" in listing
    assert "--fix" in listing
    # Nothing changed yet.
    assert Message.objects.filter(caller_name="Ctrl \x01\x0b name").exists()

    out = io.StringIO()
    call_command("check_data", "--fix", stdout=out)
    assert "Repaired" in out.getvalue()
    far = Message.objects.get(pk=bad_rows["far"].pk)
    assert far.taken_at == datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert Message.objects.get(pk=bad_rows["bc"].pk).taken_at == datetime(1970, 1, 1, tzinfo=UTC)
    assert Message.objects.get(pk=bad_rows["message"].pk).caller_name == "Ctrl  name"
    assert Call.objects.get(pk=bad_rows["deep"].pk).details == {}
    assert Call.objects.get(pk=bad_rows["big"].pk).details == {}
    assert Shift.objects.get(pk=shift.pk).ends_at == datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)

    out = io.StringIO()
    call_command("check_data", stdout=out)
    assert out.getvalue().strip() == "No stored row breaks the intake rules."


def test_check_data_removes_a_row_whose_repair_is_refused(account):
    """Clamped, this shift would end before it starts: the row goes instead."""
    schedule = make_schedule(account)
    shift = make_shift(schedule, timezone.now() + timedelta(days=3))
    sql(
        "UPDATE oncall_shift SET starts_at = %s::timestamptz, ends_at = %s::timestamptz"
        " WHERE id = %s",
        ["2150-01-01T00:00:00Z", "2150-01-02T00:00:00Z", shift.pk],
    )
    out = io.StringIO()
    call_command("check_data", "--fix", stdout=out)
    assert not Shift.objects.filter(pk=shift.pk).exists()
    assert "removed 1 rows" in out.getvalue()


def test_the_rollups_rebuild_over_the_bad_rows(account, bad_rows):
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    call_command("rebuild_stats_rollup", stdout=out)


def test_a_shift_from_before_year_1_breaks_no_on_call_reader(alice_client, account):
    """The on-call readers skip such a shift (oncall.models.ShiftQuerySet.displayable)."""
    from django.test import Client

    from api.models import ApiToken

    schedule = make_schedule(account)
    shift = make_shift(schedule, timezone.now() - timedelta(hours=1))
    sql("UPDATE oncall_shift SET starts_at = %s::timestamptz WHERE id = %s", [BC, shift.pk])
    base = f"/a/{account.number}/oncall/{schedule.pk}/"
    assert alice_client.get(f"/a/{account.number}/").status_code == 200
    for view in ("day", "week", "month", "list"):
        assert alice_client.get(base, {"view": view}).status_code == 200, view
    assert alice_client.get(base + "export.pdf", {"view": "month"}).status_code == 200
    _token, secret = ApiToken.issue("tests")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    answer = api.get(f"/api/v1/accounts/{account.number}/schedules/{schedule.external_id}/on-call")
    assert answer.status_code == 200 and answer.json()["shift"] is None
