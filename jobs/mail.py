"""Every e-mail goes out through the worker.

`QueuedEmailBackend` is the "default" mailer (settings.MAILERS): Django's mail API
(send_mail, EmailMessage.send, the password-reset form, reports...) hands it messages,
and it only stores each one (a QueuedEmail row; attachments as files in the exports
storage, so neither the row nor the task carries their bytes) and enqueues
`jobs.tasks.deliver_email`, in the caller's transaction. The worker then sends the
message through the real mailer named by OPTIONS["mailer"], retrying with back-off
while the mail server is slow, down or answers a temporary (4xx) refusal.

A page that sends e-mail therefore answers at once, whatever the mail server does.
When the message cannot even be stored (the database or the storage failing), sending
raises `EmailNotQueued`, an OSError as when a mail server cannot be reached, so callers
of Django's mail API handle both alike.
"""

from __future__ import annotations

import email
import email.policy
import uuid
from email.mime.base import MIMEBase

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from jobs.models import QueuedEmail, exports_storage

ATTACHMENTS_DIR = "mail"


class EmailNotQueued(OSError):
    """The message could not be stored for the worker: nothing will be sent."""


class QueuedEmailBackend(BaseEmailBackend):
    def __init__(self, *, mailer: str = "direct", **kwargs):
        super().__init__(**kwargs)
        self.mailer = mailer

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            # A bad header is refused here, in the caller, as it is (not in the worker).
            message.message()
            try:
                row = queue_message(message, self.mailer)
            except Exception as error:
                raise EmailNotQueued(f"The e-mail could not be queued: {error!r}") from error
            # Who sent it can follow it (an e-mailed export's page: sent, retried, refused).
            message.queued_id = row.pk
            queued += 1
        return queued


def queue_message(message: EmailMessage, mailer: str) -> QueuedEmail:
    """Store `message` (its headers already checked) and enqueue its delivery through
    `mailer`, in one transaction."""
    from jobs.tasks import deliver_email

    queued_id = uuid.uuid4()
    with transaction.atomic():
        queued = QueuedEmail.objects.create(
            id=queued_id,
            mailer=mailer,
            subject=str(message.subject)[:1000],
            recipients=", ".join(message.recipients())[:2000],
            payload=_payload(message, queued_id),
        )
        deliver_email.enqueue(str(queued.pk))
    return queued


def _payload(message: EmailMessage, queued_id) -> dict:
    attachments = []
    for index, attachment in enumerate(message.attachments):
        if isinstance(attachment, (email.message.Message, MIMEBase)):
            content, filename, mimetype, kind = attachment.as_bytes(), "part.eml", "", "mime"
        else:
            filename, content, mimetype = attachment
            kind = "text" if isinstance(content, str) else "bytes"
            if isinstance(content, str):
                content = content.encode("utf-8")
        name = exports_storage().save(
            f"{ATTACHMENTS_DIR}/{queued_id}-{index}", ContentFile(content)
        )
        attachments.append({"name": name, "filename": filename, "mimetype": mimetype, "kind": kind})
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "content_subtype": message.content_subtype,
        "encoding": message.encoding,
        "attachments": attachments,
    }


def rebuild(queued: QueuedEmail) -> EmailMultiAlternatives:
    """The message as it was handed to the backend, attachments read back from storage."""
    data = queued.payload
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(item) for item in data["alternatives"]],
    )
    message.content_subtype = data["content_subtype"]
    message.encoding = data["encoding"]
    storage = exports_storage()
    for item in data["attachments"]:
        with storage.open(item["name"], "rb") as handle:
            content = handle.read()
        if item["kind"] == "mime":
            message.attach(email.message_from_bytes(content, policy=email.policy.default))
        else:
            text = content.decode("utf-8") if item["kind"] == "text" else content
            message.attach(item["filename"], text, item["mimetype"] or None)
    return message


def delete_attachments(queued: QueuedEmail) -> None:
    storage = exports_storage()
    for item in queued.payload.get("attachments", []):
        storage.delete(item["name"])
