import pytest
from django.test import RequestFactory

from accounts.access import log_access
from accounts.models import AccessEvent

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


def test_access_log_is_read_only_in_the_admin(admin_client, alice, account):
    request = RequestFactory().get("/")
    request.user = alice
    event = log_access(request, "viewed", object_type="messages_app.message")
    assert admin_client.get("/admin/accounts/accessevent/").status_code == 200
    assert admin_client.post(f"/admin/accounts/accessevent/{event.pk}/delete/").status_code == 403
