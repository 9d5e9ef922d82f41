"""Rows of the directory for tests."""

from __future__ import annotations

import itertools

from directory.models import ChangeRequest, Contact, ContactMethod, InfoPage

_ids = itertools.count(1)


def make_contact(
    account, name: str = "Jean Tremblay", *methods: tuple[str, str], **extra
) -> Contact:
    contact = Contact.objects.create(
        account=account, external_id=extra.pop("external_id", f"c-{next(_ids)}"), name=name, **extra
    )
    for position, (kind, value) in enumerate(methods):
        ContactMethod.objects.create(
            account=account, contact=contact, kind=kind, value=value, position=position
        )
    return contact


def make_info_page(
    account, title: str = "Procédure d'urgence", body: str = "Appeler **Jean**.", **extra
) -> InfoPage:
    return InfoPage.objects.create(
        account=account,
        external_id=extra.pop("external_id", f"p-{next(_ids)}"),
        title=title,
        body=body,
        **extra,
    )


def make_change_request(
    account, user=None, text: str = "Retirer Patrick.", **extra
) -> ChangeRequest:
    return ChangeRequest.objects.create(
        account=account,
        requested_by=user,
        subject=extra.pop("subject", ChangeRequest.Subject.DIRECTORY),
        text=text,
        **extra,
    )
