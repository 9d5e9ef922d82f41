"""The platform reads back what the portal added: one message, and the list not acknowledged."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from messages_app import api as messages_api
from messages_app.actions import EventData, acknowledge
from tests.factories import make_message, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(db) -> Client:
    _token, secret = ApiToken.issue("platform")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def marie(account):
    return make_user("marie", (account, "member"), last_name="Tremblay")


def local_iso(moment, account) -> str:
    return timezone.localtime(moment, account.tzinfo).isoformat()


def test_one_message_as_stored_with_the_portals_acknowledgement(platform, marie, account):
    taken = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    message = make_message(
        account,
        external_id="2598662",
        subject="Fuite",
        taken_at=taken,
        events=(EventData(taken, "taken"), EventData(taken, "email_initiated", "a@b.ca")),
    )
    acknowledge(message, marie)
    message.refresh_from_db()

    response = platform.get("/api/v1/accounts/5201/messages/2598662")
    assert response.status_code == 200
    body = response.json()
    assert body["external_id"] == "2598662" and body["subject"] == "Fuite"
    assert body["taken_at"] == local_iso(taken, account)
    assert body["fields"] == [
        {"label": "Prénom", "value": "Jean"},
        {"label": "Problème", "value": "Fuite sous l'évier"},
    ]
    assert [e["kind"] for e in body["events"]] == ["taken", "email_initiated", "acknowledged"]
    acknowledged = body["events"][-1]
    assert (acknowledged["target"], acknowledged["detail"]) == ("Marie Tremblay", "portal")
    assert body["acknowledged_by"] == "Marie Tremblay"
    assert body["acknowledged_at"].startswith(local_iso(message.acknowledged_at, account)[:19])
    assert body["acknowledged_at"].endswith(("-04:00", "-05:00"))


def test_a_message_not_acknowledged_says_null(platform, account):
    make_message(account, external_id="M 1")
    body = platform.get("/api/v1/accounts/5201/messages/" + quote("M 1")).json()
    assert body["acknowledged_at"] is None and body["acknowledged_by"] is None


def test_an_unknown_message_or_account_is_404(platform, account, other_account):
    make_message(other_account, external_id="theirs")
    for path in ("/accounts/5201/messages/theirs", "/accounts/9999/messages/x"):
        response = platform.get("/api/v1" + path)
        assert response.status_code == 404 and response.json()["errors"][0]["message"]


def test_reading_back_needs_a_token(account):
    make_message(account, external_id="1")
    assert Client().get("/api/v1/accounts/5201/messages/1").status_code == 401
    assert Client().get("/api/v1/accounts/5201/messages").status_code == 401


def test_the_list_holds_the_last_24_hours_not_acknowledged_newest_first(
    platform, bob, account, other_account
):
    old = make_message(account, external_id="old", ago=timedelta(hours=25))
    older = make_message(account, external_id="older", ago=timedelta(hours=3))
    newer = make_message(account, external_id="newer", ago=timedelta(hours=1))
    done = make_message(account, external_id="done", ago=timedelta(minutes=30))
    make_message(other_account, external_id="theirs", ago=timedelta(minutes=10))
    acknowledge(done, bob)

    response = platform.get("/api/v1/accounts/5201/messages?acknowledged=false")
    assert response.status_code == 200
    body = response.json()
    assert [m["external_id"] for m in body["messages"]] == ["newer", "older"]
    assert body["messages"][0]["events"][0]["kind"] == "taken"
    since = (timezone.now() - timedelta(hours=30)).isoformat()
    body = platform.get(
        "/api/v1/accounts/5201/messages", {"acknowledged": "false", "since": since}
    ).json()
    assert [m["external_id"] for m in body["messages"]] == ["newer", "older", "old"]
    body = platform.get("/api/v1/accounts/5201/messages?acknowledged=true").json()
    assert [m["external_id"] for m in body["messages"]] == ["done"]
    body = platform.get("/api/v1/accounts/5201/messages").json()
    assert [m["external_id"] for m in body["messages"]] == ["done", "newer", "older"]
    assert {old.pk, older.pk, newer.pk}  # made above, in that order


def test_the_list_holds_at_most_500(platform, account, monkeypatch):
    monkeypatch.setattr(messages_api, "LIST_LIMIT", 3)
    for hours in range(1, 6):
        make_message(account, external_id=f"m{hours}", ago=timedelta(hours=hours))
    body = platform.get("/api/v1/accounts/5201/messages?acknowledged=false").json()
    assert [m["external_id"] for m in body["messages"]] == ["m1", "m2", "m3"]


def test_the_list_reads_a_bounded_number_of_queries(
    platform, account, django_assert_max_num_queries
):
    for hours in range(1, 40):
        make_message(account, ago=timedelta(minutes=hours))
    # Token, its last use, account, messages, their events (and the request's savepoint).
    with django_assert_max_num_queries(8):
        response = platform.get("/api/v1/accounts/5201/messages?acknowledged=false")
    assert len(response.json()["messages"]) == 39


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("acknowledged=maybe", "acknowledged"),
        ("since=2026-03-22T09:16:44", "since"),
        ("since=yesterday", "since"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(platform, account, query, field):
    response = platform.get(f"/api/v1/accounts/5201/messages?{query}")
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


def test_both_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    one = paths["/api/v1/accounts/{number}/messages/{external_id}"]["get"]
    listing = paths["/api/v1/accounts/{number}/messages"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"number", "acknowledged", "since"}
    assert "200" in one["responses"] and "200" in listing["responses"]
