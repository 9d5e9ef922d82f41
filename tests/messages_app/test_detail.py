from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import AccessEvent
from messages_app.actions import EventData
from messages_app.models import MessageRead
from tests.factories import make_message

pytestmark = pytest.mark.django_db


def detail_url(message) -> str:
    return f"/a/{message.account.number}/messages/{message.pk}/"


def test_detail_page_shows_message_and_timeline(alice_client, account):
    message = make_message(
        account,
        external_id="2598662",
        fields=(("Prénom", "Marie"), ("Nom", "Côté"), ("Code postal", "H1H 1H1")),
    )
    response = alice_client.get(detail_url(message))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2598662" in html
    assert html.index("Marie") < html.index("Côté") < html.index("H1H 1H1")
    assert "info@compagnie.ca" in html and 'data-testid="history"' in html


def test_history_is_shown_in_the_account_time_zone(alice_client, account):
    taken = datetime.now(UTC).replace(hour=13, minute=16, second=44, microsecond=0) - timedelta(
        days=1
    )
    message = make_message(account, taken_at=taken, events=(EventData(taken, "taken"),))
    local = taken.astimezone(account.tzinfo)
    response = alice_client.get(detail_url(message))
    assert f"{local:%Y-%m-%d} {local.hour % 12 or 12}:16:44" in response.content.decode()


def test_detail_htmx_renders_only_the_message(alice_client, account, htmx_headers):
    message = make_message(account)
    html = alice_client.get(detail_url(message), headers=htmx_headers).content.decode()
    assert 'data-testid="message"' in html and "<html" not in html


def test_another_accounts_message_is_404_through_my_account(alice_client, account, other_account):
    theirs = make_message(other_account)
    assert alice_client.get(f"/a/{account.number}/messages/{theirs.pk}/").status_code == 404
    assert alice_client.get(detail_url(theirs)).status_code == 404
    assert not MessageRead.objects.exists()


def test_detail_role_billing_is_403(carol_client, account):
    message = make_message(account)
    assert carol_client.get(detail_url(message)).status_code == 403


def test_unknown_or_expired_message_is_404(alice_client, account):
    expired = make_message(account, ago=timedelta(days=61))
    assert alice_client.get(f"/a/{account.number}/messages/999999/").status_code == 404
    assert alice_client.get(detail_url(expired)).status_code == 404


def test_opening_marks_read_for_that_user_and_logs_the_view(alice_client, alice, account):
    message = make_message(account)
    alice_client.get(detail_url(message))
    alice_client.get(detail_url(message))
    assert MessageRead.objects.filter(message=message, user=alice).count() == 1
    events = AccessEvent.objects.filter(action="viewed", user=alice, account=account)
    assert events.count() == 2
    assert events.first().object_type == "messages_app.message"


def test_mark_unread_then_inbox_shows_it_new(alice_client, alice, account):
    message = make_message(account)
    alice_client.get(detail_url(message))
    response = alice_client.post(detail_url(message) + "unread/")
    assert response.status_code == 302
    assert not MessageRead.objects.filter(message=message, user=alice).exists()
    inbox = alice_client.get(f"/a/{account.number}/messages/?unread=1")
    assert [m.pk for m in inbox.context["page"].object_list] == [message.pk]


def test_mark_unread_needs_post_and_the_right_account(alice_client, alice, account, other_account):
    message = make_message(account)
    assert alice_client.get(detail_url(message) + "unread/").status_code == 405
    theirs = make_message(other_account)
    assert alice_client.post(f"/a/{account.number}/messages/{theirs.pk}/unread/").status_code == 404
