"""A transaction's details in the reader's words, and "Details" only where there are some."""

import pytest
from django.utils import translation

from calllog.details import detail_items
from calllog.models import Call
from tests.factories import make_call, make_recorded_call

pytestmark = pytest.mark.django_db

SENT = {"type": "email", "to": "urgence@compagnie.ca", "status": "failed", "reason": "mailbox full"}


def test_known_keys_and_values_are_translated_and_unknown_keys_humanised():
    details = {**SENT, "retry_count": 3, "gateway": {"queue_name": "night"}}
    with translation.override("fr"):
        items = detail_items(details)
    assert items == [
        ("Type", "Courriel"),
        ("Destinataire", "urgence@compagnie.ca"),
        ("État", "Échec"),
        ("Raison", "Boîte pleine"),
        ("Retry count", "3"),
        ("Gateway · Queue name", "night"),
    ]
    with translation.override("en"):
        assert detail_items(SENT)[2:] == [("Status", "Failed"), ("Reason", "Mailbox full")]


def test_the_french_call_page_shows_no_raw_platform_key(alice, account):
    from tests.conftest import signed_in

    alice.language = "fr"
    alice.save(update_fields=["language"])
    call = make_call(account, kind=Call.Kind.TRANSACTION, details=SENT)
    html = signed_in(alice).get(f"/a/{account.number}/calls/{call.pk}/").content.decode()
    assert "Destinataire" in html and "Boîte pleine" in html and "Échec" in html
    for raw in (">To<", ">Status<", "failed", "mailbox full", ">Reason<"):
        assert raw not in html


def test_details_is_offered_only_where_there_are_details(alice_client, account):
    bare = make_call(account, external_id="BARE")
    sent = make_call(account, external_id="SENT", kind=Call.Kind.TRANSACTION, details=SENT)
    voiced = make_recorded_call(account)
    html = alice_client.get(f"/a/{account.number}/calls/").content.decode()

    def row(call):
        start = html.index(f'data-call="{call.external_id}"')
        return html[start : html.index("</tr>", start)]

    assert ">Details<" not in row(bare) and ">Voice<" not in row(bare)
    assert ">Details<" in row(sent)
    assert ">Voice<" in row(voiced) and ">Details<" not in row(voiced)
