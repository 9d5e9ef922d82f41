"""Every e-mail is sent by the worker, with retries (jobs/mail.py, jobs/tasks.py)."""

import smtplib
import socket

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import QueuedEmail, exports_storage
from tests.factories import make_message

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
attempts_seen: list[str] = []


class RaisingBackend:
    """A mail server stand-in: raises the error named by the class attribute."""

    error: BaseException = ConnectionRefusedError(111, "Connection refused")

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        attempts_seen.append(messages[0].subject)
        raise type(self).error


class PermanentRefusal(RaisingBackend):
    error = smtplib.SMTPRecipientsRefused({"nobody@example.com": (550, b"No such user")})


class TemporaryRefusal(RaisingBackend):
    error = smtplib.SMTPRecipientsRefused({"boss@example.com": (451, b"Try again later")})


def queued_mailers(direct: dict) -> dict:
    return {
        "default": {"BACKEND": "jobs.mail.QueuedEmailBackend", "OPTIONS": {"mailer": "direct"}},
        "direct": direct,
    }


@pytest.fixture(autouse=True)
def _fresh():
    attempts_seen.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_sending_only_queues_and_the_worker_sends_it_whole(queued_mail, run_tasks):
    message = EmailMultiAlternatives(
        subject="Rapport",
        body="Bonjour",
        to=["a@example.com"],
        cc=["c@example.com"],
        bcc=["b@example.com"],
        reply_to=["r@example.com"],
        headers={"X-Portal": "1"},
    )
    message.attach_alternative("<p>Bonjour</p>", "text/html")
    message.attach("messages.csv", "Message ID\nM-1\n", "text/csv")
    message.attach("messages.pdf", b"%PDF-1.7 binary \x00\xff", "application/pdf")
    assert message.send() == 1
    assert mail.outbox == []
    queued_email = QueuedEmail.objects.get()
    assert queued_email.recipients == "a@example.com, c@example.com, b@example.com"
    assert run_tasks() == 1
    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        "Rapport",
        "Bonjour",
        ["a@example.com"],
        ["c@example.com"],
        ["b@example.com"],
        ["r@example.com"],
    )
    assert sent.extra_headers == {"X-Portal": "1"}
    assert sent.alternatives == [("<p>Bonjour</p>", "text/html")]
    assert [tuple(a) for a in sent.attachments] == [
        ("messages.csv", "Message ID\nM-1\n", "text/csv"),
        ("messages.pdf", b"%PDF-1.7 binary \x00\xff", "application/pdf"),
    ]
    assert not QueuedEmail.objects.exists()
    assert exports_storage().listdir("mail") == ([], [])


def test_attachments_are_stored_files_not_task_or_row_data(queued_mail):
    big = b"x" * 300_000
    message = EmailMessage("Report", "Attached.", to=["a@example.com"])
    message.attach("big.xlsx", big, "application/octet-stream")
    message.send()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [str(QueuedEmail.objects.get().pk)], "kwargs": {}}
    payload = QueuedEmail.objects.get().payload
    (attachment,) = payload["attachments"]
    assert len(str(payload)) < 2000
    with exports_storage().open(attachment["name"], "rb") as handle:
        assert handle.read() == big


def test_a_rolled_back_transaction_queues_nothing(queued_mail):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Hi", "Body", None, ["a@example.com"])
        raise RuntimeError("the page failed after sending")
    assert not QueuedEmail.objects.exists() and not DBTaskResult.objects.exists()


def test_a_refusing_smtp_server_never_slows_or_breaks_the_page_and_is_retried(
    settings, run_tasks, alice_client, account
):
    port = free_port()  # nothing listens there: the connection is refused
    settings.MAILERS = queued_mailers(
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    )
    make_message(account)
    response = alice_client.post(
        f"/a/{account.number}/messages/email/", {"email": "boss@example.com", "format": "csv"}
    )
    assert response.status_code == 302  # answered without touching the mail server
    assert not QueuedEmail.objects.exists()  # the worker makes the file, then queues it
    run_tasks()
    queued_email = QueuedEmail.objects.get()
    assert queued_email.attempts == 1 and "Connection refused" in queued_email.last_error
    _export, first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.exception_class_path == "portal.retry.RetryScheduled"
    assert retry.status == "READY" and retry.run_after > timezone.now()
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
    # The server is back: the retry delivers it, attachment included.
    settings.MAILERS = queued_mailers({"BACKEND": LOCMEM})
    make_due()
    run_tasks()
    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"] and sent.attachments[0][0].endswith(".csv")
    assert not QueuedEmail.objects.exists()


def test_a_password_reset_answers_at_once_whatever_the_mail_server(settings, alice, run_tasks):
    settings.MAILERS = queued_mailers({"BACKEND": "tests.jobs.test_mail.RaisingBackend"})
    response = Client().post("/password-reset/", {"email": "alice@example.com"})
    assert response.status_code == 302 and attempts_seen == []
    run_tasks()  # the look-up queues the e-mail; its first delivery attempt fails
    assert len(attempts_seen) == 1
    assert QueuedEmail.objects.get().attempts == 1


def test_a_temporary_refusal_is_retried(settings, run_tasks):
    settings.MAILERS = queued_mailers({"BACKEND": "tests.jobs.test_mail.TemporaryRefusal"})
    send_mail("Hi", "Body", None, ["boss@example.com"])
    run_tasks()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert QueuedEmail.objects.get().failed_at is None


def test_a_permanent_refusal_is_not_retried_and_stays_for_support(settings, run_tasks):
    settings.MAILERS = queued_mailers({"BACKEND": "tests.jobs.test_mail.PermanentRefusal"})
    send_mail("Hi", "Body", None, ["nobody@example.com"])
    run_tasks()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    queued_email = QueuedEmail.objects.get()
    assert queued_email.failed_at is not None and "550" in queued_email.last_error


def test_it_gives_up_after_the_last_attempt(settings, run_tasks):
    settings.MAILERS = queued_mailers({"BACKEND": "tests.jobs.test_mail.RaisingBackend"})
    send_mail("Hi", "Body", None, ["boss@example.com"])
    for _ in range(settings.EMAIL_ATTEMPTS):
        make_due()
        run_tasks()
    assert len(attempts_seen) == settings.EMAIL_ATTEMPTS
    assert not DBTaskResult.objects.filter(status="READY").exists()
    queued_email = QueuedEmail.objects.get()
    assert queued_email.attempts == settings.EMAIL_ATTEMPTS and queued_email.failed_at


def test_delivering_twice_sends_once(queued_mail, run_tasks):
    from jobs.tasks import deliver_email

    send_mail("Hi", "Body", None, ["boss@example.com"])
    deliver_email.enqueue(str(QueuedEmail.objects.get().pk))  # a duplicate
    run_tasks()
    assert len(mail.outbox) == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_bad_header_is_refused_in_the_caller(queued_mail):
    with pytest.raises(ValueError, match="linefeed"):
        send_mail("Hi\nBcc: everyone@example.com", "Body", None, ["a@example.com"])
    assert not QueuedEmail.objects.exists()


def test_support_sends_a_given_up_email_again_from_the_admin(settings, staff_client, run_tasks):
    settings.MAILERS = queued_mailers({"BACKEND": "tests.jobs.test_mail.PermanentRefusal"})
    send_mail("Hi", "Body", None, ["nobody@example.com"])
    run_tasks()
    queued_email = QueuedEmail.objects.get()
    assert queued_email.failed_at is not None
    assert staff_client.get("/admin/jobs/queuedemail/").status_code == 200
    settings.MAILERS = queued_mailers({"BACKEND": LOCMEM})
    response = staff_client.post(
        "/admin/jobs/queuedemail/",
        {"action": "send_again", "_selected_action": [str(queued_email.pk)]},
        follow=True,
    )
    assert "1 e-mail will be sent again." in response.content.decode()
    run_tasks()
    assert len(mail.outbox) == 1 and not QueuedEmail.objects.exists()


def test_support_sees_export_jobs_but_not_their_files(staff_client, alice, account):
    from tests.factories import make_export_job

    job = make_export_job(account, alice)
    assert staff_client.get("/admin/jobs/exportjob/").status_code == 200
    page = staff_client.get(f"/admin/jobs/exportjob/{job.pk}/change/").content.decode()
    assert job.file.name not in page
