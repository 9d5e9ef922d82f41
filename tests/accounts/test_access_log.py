from datetime import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts.access import describe, log_access
from accounts.models import AccessEvent
from tests.factories import (
    make_call,
    make_change_request,
    make_invoice,
    make_message,
    make_schedule,
    make_shift,
)

pytestmark = pytest.mark.django_db


def test_log_access_records_who_what_where(alice, account):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    request.user = alice
    request.account = account
    event = log_access(request, AccessEvent.Action.EXPORTED, alice, detail="q=probleme")
    event.refresh_from_db()
    assert event.username == "alice"
    assert event.account == account
    assert event.action == "exported"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(alice.pk)
    assert event.ip_address == "192.0.2.7"
    assert event.detail == "q=probleme"


def test_access_log_is_read_only_in_the_admin(staff_client, alice, account):
    request = RequestFactory().get("/")
    request.user = alice
    event = log_access(request, "viewed", object_type="messages_app.message")
    assert staff_client.get("/admin/accounts/accessevent/").status_code == 200
    assert staff_client.post(f"/admin/accounts/accessevent/{event.pk}/delete/").status_code == 403


def test_each_kind_of_object_is_named_in_words_in_the_accounts_zone(alice, account):
    request = RequestFactory().get("/")
    request.user = alice
    request.account = account
    at = timezone.make_aware(datetime(2026, 11, 20, 9, 14), account.tzinfo)
    schedule = make_schedule(account, name="Urgences")
    objects = [
        (make_message(account, external_id="M-1001"), "Message M-1001"),
        (make_call(account, started_at=at), "Call 2026-11-20 9:14 AM"),
        (make_invoice(account.billing_account, "F-77"), "Invoice F-77"),
        (schedule, "On-call schedule “Urgences”"),
        (make_shift(schedule, at), "On-call shift of 2026-11-20 9:14 AM"),
        (make_change_request(account, alice), "Change request"),
    ]
    for obj, words in objects:
        event = log_access(request, "viewed", obj)
        assert describe(event, account.tzinfo) == words
    event = log_access(request, "exported", object_type="calllog.call", detail="csv")
    assert describe(event, account.tzinfo) == "Call log"
