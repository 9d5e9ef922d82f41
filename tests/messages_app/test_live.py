"""The live inbox: a cheap poll, answered "nothing new" without rendering, that tells an
open inbox or home page to refresh itself when a message arrives."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.sessions import TRACKING_KEY
from messages_app.models import Message
from tests.factories import make_message

pytestmark = pytest.mark.django_db


def poll_url(account, after) -> str:
    return f"/a/{account.number}/messages/poll?after={after}"


def test_nothing_new_is_an_empty_204_after_one_query_on_messages(
    alice_client, account, django_assert_num_queries
):
    for _ in range(30):
        newest = make_message(account)
    # Signed-in session, user, membership, then the one question about messages.
    with django_assert_num_queries(4) as captured:
        response = alice_client.get(poll_url(account, newest.pk))
    assert response.status_code == 204 and response.content == b""
    assert "HX-Trigger" not in response
    message_queries = [q["sql"] for q in captured.captured_queries if "messages_app" in q["sql"]]
    assert len(message_queries) == 1 and "LIMIT" in message_queries[0]


def test_a_new_message_triggers_a_refresh_and_names_the_urgent_ones(alice_client, account):
    known = make_message(account)
    plain = make_message(account)
    urgent = make_message(account, urgent=True, external_id="M-77")
    response = alice_client.get(poll_url(account, known.pk), headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    detail = json.loads(response["HX-Trigger"])["messages-arrived"]
    assert detail["newest"] == max(plain.pk, urgent.pk)
    assert [item["url"] for item in detail["urgent"]] == [
        f"/a/{account.number}/messages/{urgent.pk}/"
    ]
    assert detail["urgent"][0]["title"] == "Urgent message"
    assert detail["urgent"][0]["body"].startswith("Message M-77, taken at ")
    assert "Fuite" not in response["HX-Trigger"]  # no content on a lock screen


def test_the_poll_costs_the_same_whatever_the_inbox_size(
    alice_client, account, django_assert_num_queries
):
    first = make_message(account)
    with django_assert_num_queries(4):
        alice_client.get(poll_url(account, first.pk))
    Message.objects.bulk_create(
        Message(account=account, external_id=f"bulk-{n}", taken_at=first.taken_at)
        for n in range(500)
    )
    with django_assert_num_queries(4):
        alice_client.get(poll_url(account, 0))


def test_a_poll_does_not_keep_an_idle_session_alive(alice_client, account):
    message = make_message(account)
    # The session guard last checked this session two minutes ago: the poll checks it
    # again, which marks the session changed, and still must not save it.
    session = alice_client.session
    session[TRACKING_KEY] = {**session[TRACKING_KEY], "checked": time.time() - 120}
    session.save()
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(
        expire_date=session.expire_date - timedelta(minutes=10)
    )
    before = Session.objects.get().expire_date
    alice_client.get(poll_url(account, message.pk))
    assert Session.objects.get().expire_date == before
    alice_client.get(f"/a/{account.number}/messages/")
    assert Session.objects.get().expire_date > before  # a real page view does


@pytest.mark.parametrize("after", ["", "abc", "-1", "1.5", "9" * 19])
def test_a_bad_marker_is_a_clear_400(alice_client, account, after):
    response = alice_client.get(poll_url(account, after))
    assert response.status_code == 400
    assert "after must be the id of a message" in response.content.decode()


def test_the_billing_role_may_not_poll(carol_client, account):
    assert carol_client.get(poll_url(account, 0)).status_code == 403


def test_another_account_is_404_and_its_messages_never_count(
    alice_client, dave_client, account, other_account
):
    ours = make_message(account)
    make_message(other_account)
    assert dave_client.get(poll_url(account, 0)).status_code == 404
    assert alice_client.get(poll_url(account, ours.pk)).status_code == 204


def test_a_signed_out_poll_is_sent_to_sign_in(account):
    response = Client().get(poll_url(account, 0))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_inbox_polls_from_its_newest_message_and_refreshes_the_same_view(alice_client, account):
    make_message(account)
    newest = make_message(account)
    response = alice_client.get(f"/a/{account.number}/messages/?urgent=1&q=fuite")
    html = response.content.decode()
    assert f'hx-get="/a/{account.number}/messages/poll?after={newest.pk}"' in html
    assert 'hx-trigger="every 10s"' in html
    assert f'hx-get="/a/{account.number}/messages/?q=fuite&amp;urgent=1&amp;page=1"' in html
    assert 'hx-select="#inbox-list"' in html and 'hx-select-oob="#message-count"' in html
    assert "js/live.js" in html


def test_the_refresh_answers_the_results_with_the_list_and_the_count(
    alice_client, account, htmx_headers
):
    make_message(account)
    fresh = make_message(account, subject="Nouveau")
    response = alice_client.get(f"/a/{account.number}/messages/?page=1", headers=htmx_headers)
    html = response.content.decode()
    assert 'id="inbox-list"' in html and 'id="message-count"' in html and "Nouveau" in html
    assert f'id="tick-{fresh.pk}" hx-preserve' in html
    assert "<html" not in html


def test_the_home_page_counts_follow_new_messages(alice_client, carol_client, account):
    newest = make_message(account)
    html = alice_client.get(f"/a/{account.number}/").content.decode()
    assert f"poll?after={newest.pk}" in html
    assert 'hx-target="#attention"' in html and 'id="attention"' in html
    assert "poll?after" not in carol_client.get(f"/a/{account.number}/").content.decode()
