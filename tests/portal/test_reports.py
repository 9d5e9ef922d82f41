"""The one "Email report" flow, as every list page that offers it answers it: the POST
starts a worker job that makes the file and e-mails it; the job's page shows the
progress, then "sent", or (after the worker's retries) why it was not."""

import io
import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from accounts.models import AccessEvent
from jobs.models import ExportJob, QueuedEmail
from portal.reports import one_line
from tests.factories import make_message

pytestmark = pytest.mark.django_db

# (e-mail URL, the page it belongs to), for account 5201.
PAGES = [
    pytest.param("/a/5201/messages/email/", "/a/5201/messages/", id="messages"),
    pytest.param("/a/5201/calls/email-report", "/a/5201/calls/", id="calls"),
    pytest.param("/a/5201/billing/calls/email/", "/a/5201/billing/calls/", id="billable-calls"),
]
GOOD = {"email": "boss@example.com", "format": "xlsx"}
tries: list[str] = []


class RaisingBackend:
    """A mail server that answers every message with the class's error."""

    error: BaseException = smtplib.SMTPRecipientsRefused(
        {"boss@example.com": (550, b"No such user")}
    )

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        tries.append(messages[0].subject)
        raise type(self).error


class TemporaryRefusal(RaisingBackend):
    error = smtplib.SMTPRecipientsRefused({"boss@example.com": (451, b"Try again later")})


class RefusesOnce(TemporaryRefusal):
    """Refuses the first try (4xx), then accepts into mail.outbox."""

    def send_messages(self, messages):
        if not tries:
            return super().send_messages(messages)
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture(autouse=True)
def _fresh():
    tries.clear()


def queued_through(settings, backend: type) -> None:
    settings.MAILERS = {
        "default": {"BACKEND": "jobs.mail.QueuedEmailBackend", "OPTIONS": {"mailer": "direct"}},
        "direct": {"BACKEND": f"{__name__}.{backend.__name__}"},
    }


def make_due() -> None:
    """The retries scheduled for later are due now."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def job_page(client, response) -> str:
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_good_request_starts_a_job_the_worker_makes_and_sends(
    alice_client, account, run_tasks, email_url, page_url
):
    response = alice_client.post(email_url + "?page=1", GOOD)

    assert response.status_code == 302
    assert response["Location"].startswith("/a/5201/exports/")
    assert mail.outbox == []  # the page did not wait for the file nor the mail server
    job = ExportJob.objects.get()
    assert job.email_to == "boss@example.com" and job.back_url.startswith(page_url)
    page = job_page(alice_client, response)
    assert 'data-status="pending"' in page and "every 1s" in page
    assert run_tasks() >= 1
    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"]
    assert sent.attachments[0][0].endswith(".xlsx")
    page = job_page(alice_client, response)
    assert "Sent to boss@example.com." in page and "hx-trigger" not in page
    assert 'data-testid="export-download"' not in page  # sent: nothing to download
    assert AccessEvent.objects.get(action="emailed").detail.startswith("xlsx to boss@example.com")


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
@pytest.mark.parametrize("address", ["not-an-address", "", "a@b.c\nBcc: x@example.com"])
def test_a_bad_address_is_refused_next_to_the_field(
    alice_client, account, email_url, page_url, address
):
    response = alice_client.post(email_url, {"email": address, "format": "xlsx"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert '<details id="email-report" class="email-report mb-3 no-print" open' in html
    assert not ExportJob.objects.exists() and mail.outbox == []
    assert not AccessEvent.objects.filter(action="emailed").exists()


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_format_the_page_does_not_offer_is_refused(alice_client, account, email_url, page_url):
    response = alice_client.post(email_url, {"email": "boss@example.com", "format": "docx"})

    assert response.status_code == 400
    assert 'id="id_format_error"' in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_bad_filter_sends_nothing_and_shows_the_filter_error(
    alice_client, account, email_url, page_url
):
    response = alice_client.post(email_url + "?to=9999-12-31", GOOD)

    assert response.status_code == 400
    assert 'id="id_to_error"' in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_an_account_name_with_a_line_break_makes_a_one_line_subject(
    alice_client, account, run_tasks, email_url, page_url
):
    account.name = "Plomberie\r\nBcc: victim@example.com\x0b\x01"
    account.save()

    response = alice_client.post(email_url, GOOD)
    run_tasks()

    assert response.status_code == 302
    (sent,) = mail.outbox
    message = sent.message()
    assert "\n" not in sent.subject and "\r" not in sent.subject and "\x0b" not in sent.subject
    assert message["Bcc"] is None
    assert sent.recipients() == ["boss@example.com"]
    assert "Sent to boss@example.com." in job_page(alice_client, response)


def test_the_exact_repro_account_a_newline_b_messages_report(
    alice_client, account, run_tasks, queued_mail
):
    """Issue 11: an account named "A\\nB" made "Email report" of messages answer 500."""
    account.name = "A\nB"
    account.save()
    make_message(account, subject="Fuite d'eau")

    response = alice_client.post("/a/5201/messages/email/", GOOD)

    assert response.status_code == 302
    run_tasks()
    (sent,) = mail.outbox
    assert sent.subject == "Messages (Excel) of A B (account 5201), every date"
    assert sent.message().as_string().count("Subject:") == 1
    (filename, content, _mimetype) = sent.attachments[0]
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.values)
    assert rows[1][3] == "Fuite d'eau"
    assert "Sent to boss@example.com." in job_page(alice_client, response)


def test_a_permanent_refusal_is_said_on_the_job_page_and_the_file_kept(
    alice_client, account, run_tasks, settings, caplog
):
    queued_through(settings, RaisingBackend)

    response = alice_client.post("/a/5201/calls/email-report", GOOD)
    with caplog.at_level(logging.ERROR):
        run_tasks()

    assert len(tries) == 1  # a 5xx answer is final: no retry
    page = job_page(alice_client, response)
    assert 'data-testid="export-email-failed"' in page
    assert "The e-mail to boss@example.com could not be sent" in page
    assert "hx-trigger" not in page
    # Nothing is lost: the file waits on the page, and support sees the e-mail.
    download = alice_client.get(response["Location"] + "download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert QueuedEmail.objects.get().failed_at is not None


def test_a_temporary_refusal_is_retried_and_the_page_follows_it(
    alice_client, account, run_tasks, settings
):
    queued_through(settings, RefusesOnce)

    response = alice_client.post("/a/5201/messages/email/", GOOD)
    run_tasks()

    assert len(tries) == 1 and mail.outbox == []
    page = job_page(alice_client, response)
    assert 'data-testid="export-retrying"' in page
    assert "did not accept the e-mail to boss@example.com yet (1 try)" in page
    assert "every 5s" in page  # still following it
    assert alice_client.get(response["Location"] + "download").status_code == 404

    make_due()
    run_tasks()

    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"]
    assert "Sent to boss@example.com." in job_page(alice_client, response)
    assert ExportJob.objects.get().sent_at is not None


def test_after_the_last_try_the_job_page_says_it_was_not_sent(
    alice_client, account, run_tasks, settings
):
    queued_through(settings, TemporaryRefusal)

    response = alice_client.post("/a/5201/billing/calls/email/", GOOD)
    run_tasks()
    for _attempt in range(settings.EMAIL_ATTEMPTS):
        make_due()
        run_tasks()

    assert len(tries) == settings.EMAIL_ATTEMPTS
    page = job_page(alice_client, response)
    assert 'data-testid="export-email-failed"' in page and "hx-trigger" not in page
    assert alice_client.get(response["Location"] + "download").status_code == 200


def test_the_failure_is_said_in_french(alice_client, account, run_tasks, settings):
    queued_through(settings, RaisingBackend)
    alice_client.post("/language/", {"language": "fr", "next": "/"})

    response = alice_client.post("/a/5201/calls/email-report", GOOD)
    run_tasks()

    page = job_page(alice_client, response)
    assert "Le courriel à boss@example.com n’a pas pu être envoyé" in page


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_report_that_cannot_be_queued_is_said_on_the_page_and_nothing_is_sent(
    alice_client, account, monkeypatch, run_tasks, email_url, page_url
):
    def database_down(*args, **kwargs):
        raise DatabaseError("could not write")

    monkeypatch.setattr(ExportJob.objects, "create", database_down)

    response = alice_client.post(email_url, GOOD)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The report could not be sent. Try again in a few minutes" in html
    assert 'value="boss@example.com"' in html
    assert run_tasks() == 0 and mail.outbox == []
    assert not AccessEvent.objects.filter(action="emailed").exists()


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_another_clients_report_is_404_and_sends_nothing(dave_client, account, email_url, page_url):
    assert dave_client.post(email_url, GOOD).status_code == 404
    assert not ExportJob.objects.exists()


def test_only_the_user_who_asked_sees_the_report_job(alice_client, bob_client, account, run_tasks):
    response = alice_client.post("/a/5201/messages/email/", GOOD)
    run_tasks()
    assert bob_client.get(response["Location"]).status_code == 404


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_the_report_form_is_drawn_on_its_page_with_the_filter_in_its_action(
    alice_client, account, email_url, page_url
):
    day = (timezone.localdate(timezone=account.tzinfo) - timedelta(days=2)).isoformat()

    html = alice_client.get(page_url, {"from": day}).content.decode()

    assert f'action="{email_url}?from={day}#email-report"' in html
    assert 'name="email"' in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Plomberie\r\nBcc: x@example.com", "Plomberie Bcc: x@example.com"),
        ("Tab\there\u2028and\x00there", "Tab here and there"),
        ("  Clinique  Westmount ", "Clinique Westmount"),
        ("A\nB", "A B"),
        ("\x01\x0b\x1f", ""),
    ],
)
def test_one_line_turns_breaks_and_control_characters_into_single_spaces(value, expected):
    assert one_line(value) == expected
