"""One threshold decides which export is answered at once and which the worker makes
(portal/background.py, EXPORT_INLINE_ROWS); every long export goes through it."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import AccessEvent
from billing.forms import default_range
from jobs.models import ExportJob
from messages_app.models import Message
from portal.background import inline_limit, offer_export, too_big_to_wait
from tests.factories import make_access_event, make_billed_call, make_call, make_message

pytestmark = pytest.mark.django_db


def test_the_limit_is_the_setting_in_spreadsheet_rows_and_a_pdf_row_weighs_more(settings):
    settings.EXPORT_INLINE_ROWS = 10_000
    assert inline_limit("xlsx") == inline_limit("csv") == 10_000
    assert inline_limit("pdf") == 40
    assert not too_big_to_wait(10_000, "xlsx") and too_big_to_wait(10_001, "xlsx")
    assert not too_big_to_wait(40, "pdf") and too_big_to_wait(41, "pdf")
    assert not too_big_to_wait(0, "pdf")


def test_a_queryset_is_counted_only_up_to_the_limit(
    settings, account, django_assert_num_queries, django_assert_max_num_queries
):
    settings.EXPORT_INLINE_ROWS = 3
    for hours in range(5):
        make_message(account, ago=timedelta(hours=hours + 1))
    messages = Message.objects.for_account(account)
    with django_assert_num_queries(1) as counted:
        assert too_big_to_wait(messages, "csv")
    assert "LIMIT 4" in counted.captured_queries[0]["sql"]
    assert not too_big_to_wait(messages[:3], "csv")
    settings.EXPORT_INLINE_ROWS = 5
    assert not too_big_to_wait(messages, "xlsx")


def test_offer_export_answers_directly_or_starts_a_job(settings, alice, account):
    request = RequestFactory().get("/a/5201/messages/export.csv")
    request.user, request.account = alice, account
    request.membership = alice.memberships.get(account=account)
    answered = []

    def direct():
        answered.append(True)
        return HttpResponse("small")

    settings.EXPORT_INLINE_ROWS = 5
    options = {"direct": direct, "kind": "messages.csv", "params": {"q": ["x"]}}
    assert offer_export(request, 5, "csv", **options).content == b"small"
    assert answered == [True] and not ExportJob.objects.exists()
    response = offer_export(request, 6, "csv", **options)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{job.pk}/")
    assert job.owner == alice and job.params == {"q": ["x"]} and answered == [True]


def follow(client, response, run_tasks) -> bytes:
    assert response.status_code == 302 and "/exports/" in response["Location"]
    run_tasks()
    download = client.get(response["Location"] + "download")
    assert download.status_code == 200
    return b"".join(download.streaming_content)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_big_call_log_is_made_by_the_worker(
    alice_client, account, other_account, run_tasks, settings, fmt
):
    make_call(account, external_id="A1", agent="SY1")
    make_call(account, external_id="A2", agent="SY1")
    make_call(account, external_id="A3", agent="CL2")
    make_call(other_account, external_id="THEIRS", agent="SY1")
    url = f"/a/{account.number}/calls/export.{fmt}?agent=SY1"
    settings.EXPORT_INLINE_ROWS = 2
    assert alice_client.get(url).status_code == 200  # two calls: at once
    settings.EXPORT_INLINE_ROWS = 1
    content = follow(alice_client, alice_client.get(url), run_tasks)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        rows = list(load_workbook(io.BytesIO(content), read_only=True).active.values)
    assert sorted(row[-1] for row in rows[1:]) == ["A1", "A2"]


def test_big_billable_calls_are_made_by_the_worker_with_their_totals(
    alice_client, account, run_tasks, settings
):
    day_range, _cut = default_range(timezone.localdate(timezone=account.tzinfo))
    started = datetime.combine(day_range.start + timedelta(days=1), time(10), account.tzinfo)
    for i, minutes in enumerate(["1.50", "3.25", "2.00"]):
        make_billed_call(account, started + timedelta(minutes=i), minutes)
    settings.EXPORT_INLINE_ROWS = 2
    content = follow(alice_client, alice_client.get("/a/5201/billing/calls/export.xlsx"), run_tasks)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.values)
    assert rows[0][0] == "Date/Time" and len([r for r in rows[1:4] if r[0]]) == 3
    assert ("Total Calls", 3) in [tuple(row[:2]) for row in rows]
    job = ExportJob.objects.get()
    assert job.params == {"from": [day_range.start.isoformat()], "to": [day_range.end.isoformat()]}


def test_a_long_access_log_is_made_by_the_worker_as_it_was_when_asked(
    alice_client, account, other_account, run_tasks, settings
):
    for _ in range(3):
        make_access_event(account, username="bob")
    make_access_event(other_account, username="dave")
    settings.EXPORT_INLINE_ROWS = 2
    response = alice_client.get("/a/5201/access-log/export.csv?user=bob")
    make_access_event(account, username="bob")  # after the request: not in the file
    content = follow(alice_client, response, run_tasks)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["When", "User"] and [row[1] for row in rows[1:]] == ["bob"] * 3
    assert AccessEvent.objects.filter(action="exported").count() == 1


def test_a_pdf_of_hundreds_of_messages_has_no_cap(
    alice_client, account, run_tasks, settings, monkeypatch
):
    """The cap of 500 is gone: 320 messages over chunks of 40, joined into one PDF."""
    monkeypatch.setattr("messages_app.exports.PDF_CHUNK", 40)
    monkeypatch.setattr("messages_app.exports.PDF_FIRST_CHUNKS", (10,))
    base = timezone.now() - timedelta(hours=1)
    Message.objects.bulk_create(
        Message(
            account=account,
            external_id=f"M{n:04d}",
            taken_at=base - timedelta(minutes=n),
            taken_by="A07",
            subject=f"Sujet {n}",
        )
        for n in range(320)
    )
    settings.EXPORT_INLINE_ROWS = 250  # a PDF of more than one message goes to the worker
    content = follow(alice_client, alice_client.get("/a/5201/messages/export.pdf"), run_tasks)
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert all(f"M{n:04d}" in text for n in range(320))
    assert "320 messages" in text
    job = ExportJob.objects.get()
    assert job.status == "done" and job.done == job.total == 320
