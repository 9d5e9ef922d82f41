import json

import pytest
from django.test import Client

from api.models import ApiToken
from messages_app.models import Message, MessageEvent

pytestmark = pytest.mark.django_db

BODY = {
    "taken_at": "2026-03-22T09:16:44-04:00",
    "taken_by": "A07",
    "subject": "RENDEZ-VOUS",
    "caller_name": "Marie Côté",
    "caller_number": "(514) 521-0000",
    "urgent": False,
    "fields": [{"label": "Prénom", "value": "Marie"}, {"label": "Code postal", "value": "H1H 1H1"}],
    "events": [
        {"at": "2026-03-22T09:16:44-04:00", "kind": "taken"},
        {
            "at": "2026-03-22T09:20:08-04:00",
            "kind": "email_initiated",
            "target": "info@compagnie.ca",
        },
        {
            "at": "2026-03-22T09:20:08-04:00",
            "kind": "email_initiated",
            "target": "info@compagnie.ca",
        },
    ],
}


@pytest.fixture
def api(db):
    _token, secret = ApiToken.issue("t")
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    def call(method: str, path: str, body) -> tuple[int, dict]:
        response = getattr(client, method)(
            f"/api/v1{path}", json.dumps(body), content_type="application/json"
        )
        return response.status_code, response.json()

    return call


def test_put_creates_then_replay_changes_nothing(api, account):
    status, body = api("put", "/accounts/5201/messages/2598662", BODY)
    assert status == 201 and body["outcome"] == "created" and body["events_added"] == 2
    message = Message.objects.get(account=account, external_id="2598662")
    assert message.fields[1] == {"label": "Code postal", "value": "H1H 1H1"}
    assert "cote" in message.search_text
    status, body = api("put", "/accounts/5201/messages/2598662", BODY)
    assert status == 200 and body["outcome"] == "unchanged" and body["events_added"] == 0
    assert MessageEvent.objects.filter(message=message).count() == 2


def test_put_replaces_fields_and_merges_events_without_removing(api, account):
    api("put", "/accounts/5201/messages/1", BODY)
    changed = {
        **BODY,
        "subject": "Fuite d'eau",
        "fields": [{"label": "Problème", "value": "Fuite"}],
        "events": [
            {"at": "2026-03-22T09:20:09-04:00", "kind": "delivered", "target": "info@compagnie.ca"}
        ],
    }
    status, body = api("put", "/accounts/5201/messages/1", changed)
    assert status == 200 and body["outcome"] == "replaced"
    message = Message.objects.get(account=account, external_id="1")
    assert message.subject == "Fuite d'eau" and message.fields == [
        {"label": "Problème", "value": "Fuite"}
    ]
    assert list(message.events.values_list("kind", flat=True)) == [
        "taken",
        "email_initiated",
        "delivered",
    ]


def test_post_events_appends_only_new_ones(api, account):
    api("put", "/accounts/5201/messages/1", BODY)
    events = {
        "events": [
            {
                "at": "2026-03-22T13:16:44Z",
                "kind": "taken",
            },  # the same instant as stored: not added
            {"at": "2026-03-22T09:25:00-04:00", "kind": "acknowledged", "target": "+15145550142"},
        ]
    }
    status, body = api("post", "/accounts/5201/messages/1/events", events)
    assert status == 201 and body["events_added"] == 1
    status, body = api("post", "/accounts/5201/messages/1/events", events)
    assert status == 200 and body["events_added"] == 0
    assert MessageEvent.objects.filter(message__external_id="1").count() == 3


def test_naive_timestamp_is_refused(api, account):
    status, body = api(
        "put", "/accounts/5201/messages/1", {**BODY, "taken_at": "2026-03-22T09:16:44"}
    )
    assert status == 400 and body["errors"][0]["field"] == "taken_at"
    event = {"events": [{"at": "2026-03-22T09:16:44", "kind": "taken"}]}
    api("put", "/accounts/5201/messages/2", BODY)
    status, _body = api("post", "/accounts/5201/messages/2/events", event)
    assert status == 400
    assert not Message.objects.filter(external_id="1").exists()


def test_unknown_field_is_refused(api, account):
    status, body = api("put", "/accounts/5201/messages/1", {**BODY, "subjet": "typo"})
    assert status == 400
    assert body["errors"] == [{"field": "subjet", "message": "Unknown field."}]
    assert not Message.objects.exists()


def test_unknown_event_kind_is_refused_and_nothing_is_written(api, account):
    bad = {**BODY, "events": [{"at": "2026-03-22T09:16:44-04:00", "kind": "teleported"}]}
    status, body = api("put", "/accounts/5201/messages/1", bad)
    assert status == 400 and body["errors"][0]["field"].startswith("events.0.kind")
    assert not Message.objects.exists()


def test_missing_taken_at_is_refused(api, account):
    status, body = api("put", "/accounts/5201/messages/1", {"subject": "x"})
    assert status == 400 and body["errors"][0]["field"] == "taken_at"


def test_unknown_account_is_404(api, account):
    status, _body = api("put", "/accounts/9999/messages/1", BODY)
    assert status == 404


def test_events_of_an_unknown_message_are_404(api, account, other_account):
    api("put", "/accounts/7300/messages/1", BODY)  # same id, another account
    status, _body = api("post", "/accounts/5201/messages/1/events", {"events": []})
    assert status == 404


def test_no_token_is_401(client, account):
    response = client.put(
        "/api/v1/accounts/5201/messages/1", json.dumps(BODY), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Message.objects.exists()


def test_a_signed_in_user_without_token_is_401(alice_client, account):
    response = alice_client.put(
        "/api/v1/accounts/5201/messages/1", json.dumps(BODY), content_type="application/json"
    )
    assert response.status_code == 401
