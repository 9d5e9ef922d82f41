"""What each event type says, written by the change that causes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from directory.actions import request_change
from oncall import actions as oncall_actions
from tests.factories import future_day, make_contact, make_info_page, make_schedule, make_shift
from webhooks.models import Event
from webhooks.outbox import oncall_change_data

pytestmark = pytest.mark.django_db


def test_a_change_request_writes_its_event_in_the_same_transaction(account, bob):
    page = make_info_page(account, "Heures d'ouverture")
    change = request_change(account, bob, "Fermé le samedi.", info_page=page)
    event = Event.objects.get()
    assert (event.account, event.type) == (account, "change_request.created")
    assert event.data == {
        "id": change.pk,
        "subject": "info page",
        "text": "Fermé le samedi.",
        "by": "Bob",
    }
    request_change(account, bob, "Retirer Patrick.")
    assert Event.objects.order_by("pk").last().data["subject"] == "directory"


def test_a_change_request_that_fails_after_its_event_leaves_no_event(account, bob, monkeypatch):
    def fail(change):
        raise OSError("mail server down")

    monkeypatch.setattr("directory.actions.send_change_request", fail)
    with pytest.raises(OSError):
        request_change(account, bob, "Retirer Patrick.")
    assert not Event.objects.exists()


def test_each_change_of_who_is_on_call_writes_an_oncall_changed_event(account, alice):
    schedule = make_schedule(account, "urgences")
    start = future_day(3, 8, 0)
    shift = make_shift(schedule, start, hours=12, external_id="s-1")
    ann = make_contact(account, "Ann Lavoie")
    olga = make_contact(account, "Olga Roy")
    oncall_actions.assign(shift, 1, ann, alice)
    window = (start + timedelta(hours=2), start + timedelta(hours=4))
    override = oncall_actions.override(shift, 1, olga, *window, alice)
    oncall_actions.unassign(override, alice)
    oncall_actions.comment(shift, "Rien à signaler", alice)  # not a change of who

    assign, overridden, unassigned = (
        event.data for event in Event.objects.filter(type="oncall.changed").order_by("pk")
    )
    assert Event.objects.count() == 3
    assert assign == {
        "schedule": "urgences",
        "shift": "s-1",
        "action": "assign",
        "rank": 1,
        "contact": "Ann Lavoie",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=12)).isoformat(),
        "by": "Alice",
    }
    assert overridden == {
        **assign,
        "action": "override",
        "contact": "Olga Roy",
        "starts_at": window[0].isoformat(),
        "ends_at": window[1].isoformat(),
    }
    assert (unassigned["action"], unassigned["contact"]) == ("unassign", None)
    assert unassigned["ends_at"] == window[1].isoformat()


def test_an_on_call_change_refused_writes_no_event(account, alice):
    shift = make_shift(make_schedule(account), future_day(3), external_id="s-1")
    ann = make_contact(account, "Ann Lavoie")
    oncall_actions.assign(shift, 1, ann, alice)
    with pytest.raises(ValidationError):
        oncall_actions.assign(shift, 1, ann, alice)  # the rank is taken
    assert Event.objects.filter(type="oncall.changed").count() == 1


def test_the_builder_refuses_an_unknown_action(account, alice):
    shift = make_shift(make_schedule(account), future_day(3), external_id="s-1")
    row = oncall_actions.assign(shift, 1, make_contact(account, "Ann Lavoie"), alice)
    with pytest.raises(ValueError):
        oncall_change_data(row, "swap", alice)
