"""A client user acknowledges a message once; the history, the access log and the platform
learn of it; urgent messages nobody acknowledged stand out."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.access import describe
from accounts.models import AccessEvent
from messages_app.actions import EventData, MessageData, acknowledge, write_message
from messages_app.models import Message, MessageEvent
from tests.factories import make_message, make_user
from tests.messages_app.test_exports import follow_job
from webhooks.models import Event

pytestmark = pytest.mark.django_db


def ack_url(message) -> str:
    return f"/a/{message.account.number}/messages/{message.pk}/acknowledge"


def detail_url(message) -> str:
    return f"/a/{message.account.number}/messages/{message.pk}/"


@pytest.fixture
def marie(account):
    return make_user("marie", (account, "member"), last_name="Tremblay", language="fr")


def test_a_member_acknowledges_a_message_from_its_page(bob_client, bob, account):
    message = make_message(account, urgent=True)
    response = bob_client.post(ack_url(message), {"next": detail_url(message)})
    assert response.status_code == 302 and response["Location"] == detail_url(message)

    message.refresh_from_db()
    assert message.acknowledged_by == "Bob" and message.acknowledged_by_user == bob
    assert timezone.now() - message.acknowledged_at < timedelta(seconds=10)
    event = message.events.get(kind="acknowledged")
    assert (event.at, event.target, event.detail) == (message.acknowledged_at, "Bob", "portal")
    logged = AccessEvent.objects.get(action="changed")
    assert (logged.user, logged.account, logged.object_id, logged.detail) == (
        bob,
        account,
        str(message.pk),
        "acknowledged",
    )
    told = Event.objects.get()
    assert (told.account, told.type) == (account, "message.acknowledged")
    assert told.data == {
        "external_id": message.external_id,
        "acknowledged_at": timezone.localtime(message.acknowledged_at, account.tzinfo).isoformat(),
        "acknowledged_by": "Bob",
    }
    page = bob_client.get(response["Location"]).content.decode()
    assert "is acknowledged" in page and 'data-testid="acknowledge"' not in page
    assert describe(logged, account.tzinfo) == f"Message {message.external_id} acknowledged"


def test_the_history_says_who_acknowledged_in_both_languages(marie, bob_client, account):
    message = make_message(account)
    acknowledge(message, marie)
    marie_client = Client()
    marie_client.force_login(marie)
    french = marie_client.get(detail_url(message)).content.decode()
    assert "Reçu par Marie Tremblay" in french and "(dans le portail)" in french
    english = bob_client.get(detail_url(message)).content.decode()
    assert "Acknowledged by Marie Tremblay" in english and "(in the portal)" in english


def test_a_manager_acknowledges_from_the_inbox_row_in_place(alice_client, account, htmx_headers):
    message = make_message(account, urgent=True)
    inbox = f"/a/{account.number}/messages/?urgent=1&page=1"
    page = alice_client.get(inbox).content.decode()
    assert 'data-testid="not-acknowledged"' in page and "message-urgent-open" in page

    response = alice_client.post(
        ack_url(message) + "?urgent=1",
        {"next": inbox, "shown_in": "inbox"},
        headers=htmx_headers,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith("<tr") and f'id="tick-{message.pk}"' in html
    assert 'data-testid="acknowledged"' in html and 'data-testid="acknowledge"' not in html
    assert "message-urgent-open" not in html and "urgent=1" in html


def test_without_javascript_the_row_action_returns_to_the_same_inbox_page(alice_client, account):
    message = make_message(account)
    inbox = f"/a/{account.number}/messages/?q=fuite&page=1"
    response = alice_client.post(ack_url(message), {"next": inbox, "shown_in": "inbox"})
    assert response.status_code == 302 and response["Location"] == inbox


def test_the_message_page_is_updated_in_place_with_htmx(alice_client, account, htmx_headers):
    message = make_message(account)
    response = alice_client.post(ack_url(message), {}, headers=htmx_headers)
    html = response.content.decode()
    assert html.strip().startswith('<article class="card message-card"')
    assert "Acknowledged by Alice" in html


def test_a_second_acknowledgement_changes_nothing(alice_client, bob, account):
    message = make_message(account)
    assert acknowledge(message, bob) is True
    first = Message.objects.get(pk=message.pk).acknowledged_at
    response = alice_client.post(ack_url(message), follow=True)
    assert "already acknowledged by Bob" in response.content.decode()
    message.refresh_from_db()
    assert (message.acknowledged_by, message.acknowledged_at) == ("Bob", first)
    assert message.events.filter(kind="acknowledged").count() == 1
    assert Event.objects.count() == 1
    assert not AccessEvent.objects.filter(action="changed").exists()


def test_the_billing_role_may_not_acknowledge(carol_client, account):
    message = make_message(account, urgent=True)
    assert carol_client.post(ack_url(message)).status_code == 403
    assert Message.objects.get(pk=message.pk).acknowledged_at is None
    assert not Event.objects.exists()


def test_a_member_of_another_account_gets_404(dave_client, alice_client, account, other_account):
    ours = make_message(account)
    theirs = make_message(other_account)
    assert dave_client.post(ack_url(ours)).status_code == 404
    wrong_account = f"/a/{account.number}/messages/{theirs.pk}/acknowledge"
    assert alice_client.post(wrong_account).status_code == 404
    assert not Message.objects.filter(acknowledged_at__isnull=False).exists()
    assert not Event.objects.exists() and not MessageEvent.objects.filter(kind="acknowledged")


def test_an_expired_message_gets_404(alice_client, account, settings):
    message = make_message(account, ago=timedelta(days=settings.RETENTION_DAYS + 1))
    assert alice_client.post(ack_url(message)).status_code == 404
    assert Message.objects.get(pk=message.pk).acknowledged_at is None


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_acknowledges(alice_client, account, method):
    message = make_message(account)
    assert getattr(alice_client, method)(ack_url(message)).status_code == 405
    assert Message.objects.get(pk=message.pk).acknowledged_at is None


@pytest.mark.parametrize(
    "bad_next", ["https://evil.example/", "//evil.example/", "/a/7300/messages/", "javascript:x"]
)
def test_a_return_address_outside_the_inbox_is_ignored(alice_client, account, bad_next):
    message = make_message(account)
    response = alice_client.post(ack_url(message) + "?q=fuite", {"next": bad_next})
    assert response["Location"] == f"/a/{account.number}/messages/?q=fuite"
    assert Message.objects.get(pk=message.pk).acknowledged_at is not None


@pytest.mark.django_db(transaction=True)
def test_twenty_acknowledgements_at_once_store_one(account):
    message = make_message(account, urgent=True)
    users = [make_user(f"user{n}", (account, "member")) for n in range(20)]
    barrier = threading.Barrier(len(users))
    statuses: list[int] = []
    failures: list[BaseException] = []

    def acknowledge_as(user):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(ack_url(message)).status_code)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=acknowledge_as, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures and statuses == [302] * 20
    message.refresh_from_db()
    assert message.acknowledged_by in {user.display_name() for user in users}
    assert message.events.filter(kind="acknowledged").count() == 1
    assert Event.objects.filter(type="message.acknowledged").count() == 1
    assert AccessEvent.objects.filter(action="changed").count() == 1


def test_an_acknowledgement_recorded_by_the_platform_counts_and_is_not_sent_back(alice, account):
    taken = timezone.now() - timedelta(hours=1)
    data = MessageData(
        taken_at=taken,
        urgent=True,
        events=(
            EventData(taken, "taken"),
            EventData(taken + timedelta(minutes=9), "acknowledged", "+15145550142", "Technicien"),
            EventData(taken + timedelta(minutes=5), "acknowledged", "+15145550199"),
        ),
    )
    message, _outcome, _added = write_message(account, "M-1", data)
    message.refresh_from_db()
    assert message.acknowledged_at == taken + timedelta(minutes=5)
    assert message.acknowledged_by == "+15145550199"
    assert acknowledge(message, alice) is False
    assert not Event.objects.exists()


def test_the_inbox_filters_messages_not_acknowledged(alice_client, bob, account):
    done = make_message(account, subject="Réglé", urgent=True)
    acknowledge(done, bob)
    waiting = make_message(account, subject="En attente", urgent=True)
    plain = make_message(account, subject="Simple")
    response = alice_client.get(f"/a/{account.number}/messages/?unacknowledged=1")
    shown = {m.pk for m in response.context["page"].object_list}
    assert shown == {plain.pk, waiting.pk}
    response = alice_client.get(f"/a/{account.number}/messages/?unacknowledged=1&urgent=1")
    assert [m.pk for m in response.context["page"].object_list] == [waiting.pk]
    assert 'name="unacknowledged"' in response.content.decode()


def test_urgent_messages_not_acknowledged_stand_out_by_colour_and_by_word(
    alice_client, bob, account
):
    done = make_message(account, subject="Réglé", urgent=True)
    acknowledge(done, bob)
    make_message(account, subject="En attente", urgent=True)
    html = alice_client.get(f"/a/{account.number}/messages/").content.decode()
    assert html.count("message-urgent-open") == 1
    assert html.count('data-testid="not-acknowledged"') == 1
    assert html.count('data-testid="acknowledged"') == 1


def test_the_home_page_shows_urgent_messages_nobody_acknowledged(alice_client, bob, account):
    done = make_message(account, urgent=True)
    acknowledge(done, bob)
    make_message(account, urgent=True)
    make_message(account, urgent=True, ago=timedelta(days=3))
    make_message(account)
    html = alice_client.get(f"/a/{account.number}/").content.decode()
    assert 'data-testid="panel-urgent-open"' in html
    assert "2 urgent messages of the last 7 days are not acknowledged yet." in html
    assert "urgent=1&amp;unacknowledged=1" in html


def test_exports_include_the_acknowledgement(alice_client, marie, account, run_tasks, settings):
    message = make_message(account, subject="Fuite")
    acknowledge(message, marie)
    make_message(account, subject="Autre")

    response = alice_client.get(f"/a/{account.number}/messages/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-2:] == ["Acknowledged at", "Acknowledged by"]
    by_subject = {row[3]: row for row in rows[1:]}
    assert by_subject["Fuite"][-1] == "Marie Tremblay" and by_subject["Fuite"][-2]
    assert by_subject["Autre"][-2:] == ["", ""]

    response = alice_client.get(f"/a/{account.number}/messages/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "Acknowledged by"
    assert "Marie Tremblay" in [row[-1] for row in values[1:]]

    settings.EXPORT_INLINE_ROWS = 0  # the PDF as the worker makes it
    response = alice_client.get(f"/a/{account.number}/messages/export.pdf")
    download = follow_job(alice_client, response, run_tasks)
    content = b"".join(download.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Acknowledged by Marie Tremblay" in " ".join(text.split())
    assert "Not acknowledged" in text


def test_the_inbox_query_count_does_not_grow_with_acknowledged_messages(
    alice_client, bob, account, django_assert_max_num_queries
):
    url = f"/a/{account.number}/messages/?urgent=1&unacknowledged=1"
    for hours in range(2):
        make_message(account, urgent=True, ago=timedelta(hours=hours + 1))
    with django_assert_max_num_queries(12) as few:
        alice_client.get(url)
    for hours in range(30):
        message = make_message(account, urgent=True, ago=timedelta(hours=hours + 5))
        if hours % 2:
            acknowledge(message, bob)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get(url)
    assert response.context["page"].paginator.count == 17
