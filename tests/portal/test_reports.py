"""The one "Email report" flow, as every list page that offers it answers it."""

import logging
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError
from django.utils import timezone

from accounts.models import AccessEvent
from jobs.models import QueuedEmail
from portal.exports import write_xlsx
from portal.reports import Report, one_line, send_report

pytestmark = pytest.mark.django_db

# (e-mail URL, the page it belongs to), for account 5201.
PAGES = [
    pytest.param("/a/5201/messages/email/", "/a/5201/messages/", id="messages"),
    pytest.param("/a/5201/calls/email-report", "/a/5201/calls/", id="calls"),
    pytest.param("/a/5201/billing/calls/email/", "/a/5201/billing/calls/", id="billable-calls"),
]
GOOD = {"email": "boss@example.com", "format": "xlsx"}


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    error: Exception = SMTPException("554 Transaction failed")

    def send_messages(self, email_messages):
        raise self.error


@pytest.fixture
def refusing_mailer(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_good_request_sends_one_mail_and_goes_back_to_the_filtered_page(
    alice_client, account, email_url, page_url
):
    response = alice_client.post(email_url + "?page=1", GOOD)

    assert response.status_code == 302
    assert response["Location"].startswith(page_url)
    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"]
    assert sent.attachments[0][0].endswith(".xlsx")
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
    assert mail.outbox == []
    assert not AccessEvent.objects.filter(action="emailed").exists()


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_format_the_page_does_not_offer_is_refused(alice_client, account, email_url, page_url):
    response = alice_client.post(email_url, {"email": "boss@example.com", "format": "docx"})

    assert response.status_code == 400
    assert 'id="id_format_error"' in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_bad_filter_sends_nothing_and_shows_the_filter_error(
    alice_client, account, email_url, page_url
):
    response = alice_client.post(email_url + "?to=9999-12-31", GOOD)

    assert response.status_code == 400
    assert 'id="id_to_error"' in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_an_account_name_with_a_line_break_makes_a_one_line_subject(
    alice_client, account, email_url, page_url
):
    account.name = "Plomberie\r\nBcc: victim@example.com"
    account.save()

    response = alice_client.post(email_url, GOOD)

    assert response.status_code == 302
    (sent,) = mail.outbox
    message = sent.message()
    assert "\n" not in sent.subject and "\r" not in sent.subject
    assert message["Bcc"] is None
    assert sent.recipients() == ["boss@example.com"]


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
@pytest.mark.parametrize("error", [SMTPException("554 refused"), OSError("Connection refused")])
def test_a_mail_server_failure_is_said_on_the_page_and_logged(
    alice_client, account, refusing_mailer, caplog, monkeypatch, email_url, page_url, error
):
    monkeypatch.setattr(RefusingBackend, "error", error)

    with caplog.at_level(logging.ERROR, logger="portal.reports"):
        response = alice_client.post(email_url, GOOD)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="email-report-error"' in html
    assert "The report could not be sent" in html
    assert 'value="boss@example.com"' in html  # nothing to type again
    (record,) = [r for r in caplog.records if r.name == "portal.reports"]
    assert email_url in record.getMessage() and str(error) in record.getMessage()
    assert not AccessEvent.objects.filter(action="emailed").exists()


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_report_is_queued_at_once_and_the_worker_sends_it(
    alice_client, account, queued_mail, run_tasks, email_url, page_url
):
    response = alice_client.post(email_url, GOOD, follow=True)

    assert response.redirect_chain[0][0].startswith(page_url)
    assert "The report will be sent to boss@example.com." in response.content.decode()
    assert mail.outbox == []  # the page did not wait for the mail server
    assert QueuedEmail.objects.count() == 1
    assert run_tasks() == 1
    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"] and sent.attachments[0][0].endswith(".xlsx")


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_a_report_that_cannot_be_queued_is_said_on_the_page_and_nothing_is_sent(
    alice_client, account, queued_mail, monkeypatch, run_tasks, email_url, page_url
):
    def database_down(*args, **kwargs):
        raise DatabaseError("could not write")

    monkeypatch.setattr(QueuedEmail.objects, "create", database_down)

    response = alice_client.post(email_url, GOOD)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The report could not be sent. Try again in a few minutes" in html
    assert 'value="boss@example.com"' in html
    assert run_tasks() == 0 and mail.outbox == []
    assert not AccessEvent.objects.filter(action="emailed").exists()


def test_the_failure_is_said_in_french(alice_client, account, refusing_mailer):
    alice_client.post("/language/", {"language": "fr", "next": "/"})

    html = alice_client.post("/a/5201/calls/email-report", GOOD).content.decode()

    assert "Le rapport n’a pas pu être envoyé" in html


@pytest.mark.parametrize(("email_url", "page_url"), PAGES)
def test_another_clients_report_is_404_and_sends_nothing(dave_client, account, email_url, page_url):
    assert dave_client.post(email_url, GOOD).status_code == 404
    assert mail.outbox == []


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
    ],
)
def test_one_line_turns_breaks_and_control_characters_into_single_spaces(value, expected):
    assert one_line(value) == expected


def test_a_sent_report_leaves_no_temporary_file_behind():
    export = write_xlsx([("Sheet", ["Name"], iter([["a"]]))], "x.xlsx")
    report = Report(subject="Report", body="Attached.", write=lambda fmt: export)

    send_report(report, "xlsx", "boss@example.com")

    assert export.path is not None and not export.path.exists()
    assert mail.outbox[0].attachments[0][0] == "x.xlsx"
