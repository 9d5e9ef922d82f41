"""An action on a message older than the retention period (hidden, not yet purged) is a
404 and changes nothing, like its page."""

from datetime import timedelta

import pytest

from messages_app.models import MessageRead
from tests.factories import make_call, make_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(account, alice):
    message = make_message(account, ago=timedelta(days=61))
    MessageRead.objects.create(message=message, user=alice, account=account)
    return message


def test_marking_an_expired_message_unread_is_404(alice_client, account, alice, expired):
    response = alice_client.post(f"/a/{account.number}/messages/{expired.pk}/unread/")
    assert response.status_code == 404
    assert MessageRead.objects.filter(message=expired, user=alice).exists()


def test_acknowledging_an_expired_message_is_404(alice_client, account, expired):
    response = alice_client.post(f"/a/{account.number}/messages/{expired.pk}/acknowledge")
    assert response.status_code == 404
    expired.refresh_from_db()
    assert expired.acknowledged_at is None


def test_an_expired_message_page_is_404(alice_client, account, expired):
    assert alice_client.get(f"/a/{account.number}/messages/{expired.pk}/").status_code == 404


def test_a_message_past_the_portals_range_is_404_too(alice_client, account, alice):
    from django.db import connection

    message = make_message(account)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE messages_app_message SET taken_at = '9999-12-31T23:59:59-14:00' WHERE id = %s",
            [message.pk],
        )
    for action in ("unread/", "acknowledge"):
        url = f"/a/{account.number}/messages/{message.pk}/{action}"
        assert alice_client.post(url).status_code == 404


def test_an_expired_call_and_its_recording_are_404(alice_client, account):
    call = make_call(account, started_at=None)
    from django.utils import timezone

    call.started_at = timezone.now() - timedelta(days=61)
    call.save(update_fields=["started_at"])
    assert alice_client.get(f"/a/{account.number}/calls/{call.pk}/").status_code == 404
    assert alice_client.get(f"/a/{account.number}/calls/{call.pk}/recording").status_code == 404


def test_a_recent_message_can_still_be_marked_unread(alice_client, account, alice):
    message = make_message(account)
    MessageRead.objects.create(message=message, user=alice, account=account)
    response = alice_client.post(f"/a/{account.number}/messages/{message.pk}/unread/")
    assert response.status_code == 302
    assert not MessageRead.objects.filter(message=message, user=alice).exists()
