"""The OpenAPI document describes each webhook, and what is sent matches it exactly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from directory.actions import request_change
from messages_app.actions import acknowledge
from oncall import actions as oncall_actions
from tests.factories import future_day, make_contact, make_message, make_schedule, make_shift
from webhooks.delivery import body_of
from webhooks.models import Event
from webhooks.openapi import EVENTS

pytestmark = pytest.mark.django_db


def test_the_document_has_a_signed_webhook_for_each_event_type(client):
    document = client.get("/api/v1/openapi.json").json()
    assert set(document["webhooks"]) == {
        "message.acknowledged",
        "oncall.changed",
        "change_request.created",
    }
    for name, item in document["webhooks"].items():
        operation = item["post"]
        assert operation["parameters"][0]["name"] == "Portal-Signature"
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert body["properties"]["type"]["const"] == name
        assert set(body["required"]) == {"id", "type", "created_at", "account", "data"}


def test_every_body_sent_is_the_one_documented(account, alice, bob):
    acknowledge(make_message(account), bob)
    request_change(account, bob, "Retirer Patrick.")
    shift = make_shift(make_schedule(account), future_day(2), external_id="s-1")
    assignment = oncall_actions.assign(shift, 1, make_contact(account, "Ann Lavoie"), alice)
    oncall_actions.unassign(assignment, alice, now=shift.starts_at + timedelta(hours=1))

    events = list(Event.objects.select_related("account").order_by("pk"))
    assert sorted({event.type for event in events}) == sorted(EVENTS)
    for event in events:
        EVENTS[event.type].model_validate(json.loads(body_of(event)))
