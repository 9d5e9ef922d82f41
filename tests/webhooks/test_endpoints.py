"""Staff register endpoints with `webhook_endpoint` or in the admin, see attempts, resend."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from tests.conftest import verified
from tests.factories import make_endpoint
from webhooks.models import Delivery, Endpoint
from webhooks.outbox import emit

pytestmark = pytest.mark.django_db

SECRET = "whsec-from-the-platform-42"


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("webhook_endpoint", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def stdin(monkeypatch):
    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return feed


def test_the_command_registers_an_endpoint_and_prints_only_its_id(stdin):
    stdin(SECRET + "\n")
    out = run_command(
        "https://platform.example/hooks",
        "--events",
        "message.acknowledged,oncall.changed",
        "--secret-stdin",
    )
    endpoint = Endpoint.objects.get()
    assert out.strip() == str(endpoint.pk)
    assert endpoint.url == "https://platform.example/hooks"
    assert endpoint.events == ["message.acknowledged", "oncall.changed"]
    assert endpoint.secret == SECRET and endpoint.active


def test_the_command_disables_an_endpoint(stdin):
    endpoint = make_endpoint("https://platform.example/hooks")
    out = run_command("--disable", str(endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.active and str(endpoint.pk) in out
    with pytest.raises(CommandError, match="No webhook endpoint 999"):
        run_command("--disable", "999")


@pytest.mark.parametrize(
    ("args", "secret", "message"),
    [
        (
            ["https://p.example/h", "--events", "message.deleted", "--secret-stdin"],
            SECRET,
            "events",
        ),
        (["https://p.example/h", "--events", "", "--secret-stdin"], SECRET, "events"),
        (["ftp://p.example/h", "--events", "oncall.changed", "--secret-stdin"], SECRET, "URL"),
        (["https://p.example/h", "--events", "oncall.changed", "--secret-stdin"], "short", "16"),
        (["https://p.example/h", "--events", "oncall.changed"], SECRET, "--secret-stdin"),
    ],
)
def test_the_command_refuses_bad_input_and_registers_nothing(stdin, args, secret, message):
    stdin(secret + "\n")
    with pytest.raises(CommandError, match=message):
        run_command(*args)
    assert not Endpoint.objects.exists()


def test_staff_add_an_endpoint_in_the_admin(staff_client):
    response = staff_client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "url": "https://platform.example/hooks",
            "events": ["change_request.created"],
            "secret": SECRET,
            "description": "Production",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    endpoint = Endpoint.objects.get()
    assert (endpoint.events, endpoint.secret) == (["change_request.created"], SECRET)
    page = staff_client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert SECRET not in page  # the secret is never shown back


def test_an_empty_secret_keeps_the_current_one_and_is_required_on_add(staff_client):
    endpoint = make_endpoint("https://platform.example/hooks", secret=SECRET)
    response = staff_client.post(
        f"/admin/webhooks/endpoint/{endpoint.pk}/change/",
        {"url": "https://platform.example/v2", "events": ["oncall.changed"], "secret": ""},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.secret, endpoint.active) == (
        "https://platform.example/v2",
        SECRET,
        False,
    )
    response = staff_client.post(
        "/admin/webhooks/endpoint/add/",
        {"url": "https://p.example/h", "events": ["oncall.changed"], "secret": ""},
    )
    assert response.status_code == 200 and Endpoint.objects.count() == 1


def test_every_attempt_shows_in_the_admin_and_a_failed_delivery_can_be_resent(
    support, account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url)
    receiver.answers = [500] * 16
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = emit(account, "change_request.created", {"id": 1})
    start = clock.now
    run_tasks()
    row = Delivery.objects.get()
    while row.status == Delivery.Status.PENDING:
        clock.now = row.next_attempt_at
        run_tasks()
        row.refresh_from_db()
    assert row.status == Delivery.Status.FAILED

    # Staff look at it later on; the clock goes back to a time sign-in records agree with.
    clock.now = start
    staff_client = verified(support)
    page = staff_client.get(f"/admin/webhooks/delivery/{row.pk}/change/").content.decode()
    assert page.count("receiver error") == 16 and "HTTP 500" in page
    assert staff_client.get("/admin/webhooks/delivery/").status_code == 200
    assert staff_client.get("/admin/webhooks/event/").status_code == 200
    assert staff_client.get(f"/admin/webhooks/event/{event.pk}/change/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/webhooks/event/",
            {"action": "resend_event", "_selected_action": [event.pk]},
        )
    assert response.status_code == 302
    run_tasks()
    row.refresh_from_db()
    assert row.status == Delivery.Status.DELIVERED and row.attempt_count == 17
    assert [a.json["id"] for a in receiver.received] == [str(event.uuid)] * 17
