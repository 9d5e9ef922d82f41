"""The platform writes the directory and the information pages (docs/api.md, "Directory")."""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Status

from api.accounts import account_or_404, status_of
from api.schemas import AccountNumber, ExternalId, Written
from directory.actions import remove_contact, write_contact, write_info_page
from directory.models import Contact, InfoPage
from directory.schemas import ContactIn, InfoPageIn
from portal.upsert import Outcome

router = Router(tags=["directory"])
routers = [("", router)]


def _written(obj: Contact | InfoPage, outcome: Outcome) -> Status:
    body = {"external_id": obj.external_id, "id": obj.pk, "outcome": outcome.value}
    return Status(status_of(outcome), body)


@router.put("/accounts/{number}/contacts/{external_id}", response={200: Written, 201: Written})
def put_contact(request, number: AccountNumber, external_id: ExternalId, payload: ContactIn):
    account = account_or_404(number)
    return _written(*write_contact(account, external_id, payload))


@router.delete("/accounts/{number}/contacts/{external_id}", response={204: None})
def delete_contact(request, number: AccountNumber, external_id: ExternalId):
    account = account_or_404(number)
    contact = Contact.objects.for_account(account).filter(external_id=external_id).first()
    if contact is None:
        raise Http404(f"No contact {external_id} in account {number}.")
    remove_contact(contact)
    return Status(204, None)


@router.put("/accounts/{number}/info-pages/{external_id}", response={200: Written, 201: Written})
def put_info_page(request, number: AccountNumber, external_id: ExternalId, payload: InfoPageIn):
    account = account_or_404(number)
    return _written(*write_info_page(account, external_id, payload))
