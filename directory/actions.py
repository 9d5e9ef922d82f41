"""Workflows of the directory: the platform's writes, and a client's change request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ForeignObjectRel
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Account, User
from directory.models import ChangeRequest, Contact, ContactMethod, InfoPage
from directory.schemas import ContactIn, InfoPageIn
from portal.upsert import Outcome, upsert
from webhooks.models import EventType
from webhooks.outbox import change_request_data, emit


def write_contact(account: Account, external_id: str, data: ContactIn) -> tuple[Contact, Outcome]:
    """Create or replace a contact and its methods (the API and the demo seed call this).

    The methods are replaced wholesale, in the order sent; a contact that was deactivated
    (deleted while an on-call assignment named it) comes back active.
    """
    with transaction.atomic():
        contact, outcome = upsert(
            Contact,
            {"account": account, "external_id": external_id},
            {"name": data.name, "title": data.title, "position": data.position, "active": True},
        )
        wanted = [(m.kind, m.value, m.label) for m in data.methods]
        stored = list(
            contact.methods.order_by("position", "pk").values_list("kind", "value", "label")
        )
        if wanted != stored:
            contact.methods.all().delete()
            ContactMethod.objects.bulk_create(
                ContactMethod(
                    account=account,
                    contact=contact,
                    kind=kind,
                    value=value,
                    label=label,
                    position=index,
                )
                for index, (kind, value, label) in enumerate(wanted)
            )
            if outcome is Outcome.UNCHANGED:
                outcome = Outcome.REPLACED
        return contact, outcome


def is_referenced(contact: Contact) -> bool:
    """Whether any other table (an on-call assignment, say) still points at the contact.

    Found through the model's reverse relations rather than by naming them, so the
    sections that refer to contacts need not be known here.
    """
    for relation in Contact._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel):
            continue  # the contact's own fields, not a table pointing at it
        model = relation.related_model
        if model is ContactMethod or not isinstance(model, type):
            continue
        if model._base_manager.filter(**{relation.field.name: contact}).exists():
            return True
    return False


def remove_contact(contact: Contact) -> bool:
    """Delete the contact, or only deactivate it while something refers to it.

    Returns True when the row was deleted.
    """
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if is_referenced(contact):
            if contact.active:
                contact.active = False
                contact.save(update_fields=["active"])
            return False
        contact.delete()
        return True


def write_info_page(
    account: Account, external_id: str, data: InfoPageIn
) -> tuple[InfoPage, Outcome]:
    """Create or replace an information page (the API and the demo seed call this)."""
    return upsert(
        InfoPage,
        {"account": account, "external_id": external_id},
        {"title": data.title, "body": data.body, "position": data.position},
    )


def request_change(
    account: Account, user: User, text: str, info_page: InfoPage | None = None
) -> ChangeRequest:
    """Store a client's request and send it to the service's change address.

    Both or neither: when the mail cannot be sent the request is not stored either, so
    the client sees an error and can try again without leaving a request nobody got.
    """
    subject = ChangeRequest.Subject.INFO_PAGE if info_page else ChangeRequest.Subject.DIRECTORY
    with transaction.atomic():
        change = ChangeRequest.objects.create(
            account=account, requested_by=user, subject=subject, info_page=info_page, text=text
        )
        # The platform learns of it in the same transaction (webhooks/outbox.py).
        emit(account, EventType.CHANGE_REQUEST_CREATED, change_request_data(change))
        send_change_request(change)
    return change


def _in_each_language(template: str, context: dict) -> list[str]:
    """The text in French then English (once only when both read the same)."""
    texts = []
    for language in ("fr", "en"):
        with translation.override(language):
            texts.append(render_to_string(template, context).strip())
    return list(dict.fromkeys(texts))


def send_change_request(change: ChangeRequest) -> None:
    """E-mail the request to the service, in both languages (staff read either)."""
    context = {"change": change, "account": change.account, "user": change.requested_by}
    subject = " / ".join(_in_each_language("directory/change_request_subject.txt", context))
    body = "\n\n----------\n\n".join(
        _in_each_language("directory/change_request_email.txt", context)
    )
    send_mail(
        subject=" ".join(subject.split()),
        message=body,
        from_email=None,
        recipient_list=[settings.SERVICE["change_request_email"]],
    )


def mark_done(changes, by: User) -> int:
    """Close the open requests among `changes`; returns how many were closed."""
    return changes.filter(status=ChangeRequest.Status.OPEN).update(
        status=ChangeRequest.Status.DONE, closed_at=timezone.now(), closed_by=by
    )
