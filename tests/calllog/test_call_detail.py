import pytest

from accounts.models import AccessEvent
from calllog.models import Call
from messages_app.models import Message
from tests.factories import make_call, make_recorded_call

pytestmark = pytest.mark.django_db


def url(call) -> str:
    return f"/a/{call.account.number}/calls/{call.pk}/"


def test_call_with_recording_shows_the_voice_player(alice_client, account):
    call = make_recorded_call(account)
    response = alice_client.get(url(call))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="/a/{account.number}/calls/{call.pk}/recording"' in html
    assert 'preload="metadata"' in html
    assert 'type="range"' in html and "data-player-seek" in html
    for speed in ("0.75", "1", "1.25", "1.5", "1.75", "2"):
        assert f'<option value="{speed}"' in html
    assert ">Back </span>10 s<" in html and ">Forward </span>10 s " in html
    assert f"/calls/{call.pk}/recording?download=1" in html
    assert "js/calllog.js" in html
    assert "onclick" not in html and 'style="' not in html


def test_transaction_shows_its_details_as_a_definition_list(alice_client, account):
    call = make_call(
        account,
        kind=Call.Kind.TRANSACTION,
        details={"type": "email", "to": "info@compagnie.ca", "status": "delivered"},
    )
    html = alice_client.get(url(call)).content.decode()
    assert 'data-testid="details"' in html
    assert "<dt" in html and "info@compagnie.ca" in html and ">Delivered<" in html
    assert "<audio" not in html


def test_linked_message_is_linked_when_it_exists(alice_client, account):
    from django.utils import timezone

    message = Message.objects.create(
        account=account, external_id="M-77", taken_at=timezone.now(), subject="Fuite d'eau"
    )
    call = make_call(account, message_external_id="M-77")
    html = alice_client.get(url(call)).content.decode()
    assert f'href="/a/{account.number}/messages/{message.pk}/"' in html


def test_linked_message_missing_shows_its_id_only(alice_client, account, other_account):
    from django.utils import timezone

    Message.objects.create(account=other_account, external_id="M-88", taken_at=timezone.now())
    call = make_call(account, message_external_id="M-88")
    html = alice_client.get(url(call)).content.decode()
    assert "M-88" in html
    assert "/messages/" not in html.split('data-testid="linked-message"')[1].split("</dd>")[0]


def test_viewing_a_call_is_logged(alice_client, alice, account):
    call = make_call(account)
    alice_client.get(url(call))
    event = AccessEvent.objects.get(action="viewed")
    assert event.user == alice and event.object_id == str(call.pk) and event.account == account


def test_other_accounts_call_is_404(alice_client, other_account):
    call = make_recorded_call(other_account)
    assert alice_client.get(url(call)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_missing_call_is_404(alice_client, account):
    assert alice_client.get(f"/a/{account.number}/calls/999999/").status_code == 404


def test_billing_role_may_not_open_a_call(carol_client, account):
    call = make_call(account)
    assert carol_client.get(url(call)).status_code == 403


def test_non_numeric_call_id_is_404(alice_client, account):
    assert alice_client.get(f"/a/{account.number}/calls/abc/").status_code == 404


def test_back_link_keeps_the_search(alice_client, account):
    call = make_call(account, agent="CL2")
    html = alice_client.get(f"/a/{account.number}/calls/?agent=CL2").content.decode()
    assert f"/calls/{call.pk}/?back=%3Fagent%3DCL2" in html
    detail = alice_client.get(
        f"/a/{account.number}/calls/{call.pk}/?back=%3Fagent%3DCL2"
    ).content.decode()
    assert f'href="/a/{account.number}/calls/?agent=CL2"' in detail


def test_back_link_ignores_anything_but_a_query(alice_client, account):
    call = make_call(account)
    detail = alice_client.get(
        f"/a/{account.number}/calls/{call.pk}/?back=https://evil.example"
    ).content.decode()
    assert f'<a href="/a/{account.number}/calls/">' in detail
