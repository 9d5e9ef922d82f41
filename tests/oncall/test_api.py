"""Schedules, shifts and "who is on call" in the platform API."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from oncall import actions
from oncall.models import Schedule, Shift
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    _token, secret = ApiToken.issue("tests")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def put(api, path, body):
    return api.put(f"/api/v1{path}", body, content_type="application/json")


def shift_body(start, hours=24, ranks=1):
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        "ranks": ranks,
    }


@pytest.fixture
def start():
    return (timezone.now() + timedelta(days=5)).replace(microsecond=0)


def test_put_schedule_creates_then_is_idempotent_and_takes_account_timezone(api, account):
    r = put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    assert r.status_code == 201
    assert Schedule.objects.get(external_id="urg").timezone == account.timezone
    assert (
        put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"}).json()[
            "outcome"
        ]
        == "unchanged"
    )
    r = put(
        api, f"/accounts/{account.number}/schedules/urg", {"name": "U", "timezone": "Nowhere/City"}
    )
    assert r.status_code == 400
    assert put(api, "/accounts/999999/schedules/urg", {"name": "U"}).status_code == 404


def test_put_shift_create_replace_and_refusals(api, account, start):
    put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    base = f"/accounts/{account.number}/schedules/urg/shifts"
    assert put(api, f"{base}/w1", shift_body(start)).status_code == 201
    assert put(api, f"{base}/w1", shift_body(start)).status_code == 200
    assert (
        put(api, f"{base}/w2", shift_body(start + timedelta(hours=12))).status_code == 400
    )  # overlap
    assert (
        put(api, f"{base}/w2", shift_body(start + timedelta(hours=24))).status_code == 201
    )  # touching
    bad = {"starts_at": start.isoformat(), "ends_at": start.isoformat()}
    assert put(api, f"{base}/w3", bad).status_code == 400
    assert (
        put(api, f"{base}/w3", {**shift_body(start + timedelta(days=9)), "ranks": 11}).status_code
        == 400
    )
    naive = {"starts_at": "2026-12-01T07:30:00", "ends_at": "2026-12-02T07:30:00"}
    assert put(api, f"{base}/w3", naive).status_code == 400
    assert (
        put(
            api, f"/accounts/{account.number}/schedules/nope/shifts/x", shift_body(start)
        ).status_code
        == 404
    )
    assert Shift.objects.count() == 2


def test_a_move_that_leaves_an_override_outside_is_refused(api, account, start, alice):
    put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    path = f"/accounts/{account.number}/schedules/urg/shifts/w1"
    put(api, path, shift_body(start))
    shift = Shift.objects.get(external_id="w1")
    ann = make_contact(account, "Ann")
    actions.override(
        shift,
        1,
        ann,
        shift.starts_at + timedelta(hours=1),
        shift.starts_at + timedelta(hours=2),
        alice,
    )
    r = put(api, path, shift_body(start + timedelta(hours=3)))
    assert r.status_code == 400
    assert "outside" in r.json()["errors"][0]["message"]
    assert (
        put(api, path, shift_body(start - timedelta(hours=3), hours=30)).status_code == 200
    )  # still inside


def test_on_call_answers_from_the_resolver(api, account, start, alice):
    put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    put(api, f"/accounts/{account.number}/schedules/urg/shifts/w1", shift_body(start, ranks=2))
    shift = Shift.objects.get(external_id="w1")
    ann = make_contact(account, "Ann", ("mobile", "514-555-0101", "cell"))
    olga = make_contact(account, "Olga", ("mobile", "514-555-0202", "cell"))
    actions.assign(shift, 1, ann, alice)
    o_start, o_end = shift.starts_at + timedelta(hours=2), shift.starts_at + timedelta(hours=4)
    actions.override(shift, 1, olga, o_start, o_end, alice)
    path = f"/api/v1/accounts/{account.number}/schedules/urg/on-call"

    r = api.get(path, {"at": (shift.starts_at + timedelta(hours=1)).isoformat()})
    body = r.json()
    assert r.status_code == 200
    assert set(body) == {"at", "schedule", "shift", "ranks"}
    assert body["shift"]["external_id"] == "w1"
    first, second = body["ranks"]
    assert first["rank"] == 1 and first["source"] == "base" and first["contact"]["name"] == "Ann"
    assert first["contact"]["methods"] == [
        {"kind": "mobile", "value": "514-555-0101", "label": "cell"}
    ]
    assert timezone.datetime.fromisoformat(first["until"]) == o_start  # the override begins
    assert second == {"rank": 2, "contact": None, "source": None, "until": None}

    body = api.get(path, {"at": (o_start + timedelta(minutes=1)).isoformat()}).json()
    assert (
        body["ranks"][0]["source"] == "override" and body["ranks"][0]["contact"]["name"] == "Olga"
    )
    assert timezone.datetime.fromisoformat(body["ranks"][0]["until"]) == o_end

    body = api.get(path, {"at": (shift.ends_at + timedelta(days=3)).isoformat()}).json()
    assert body["shift"] is None and body["ranks"] == []
    assert api.get(path).status_code == 200  # at defaults to now
    assert api.get(path, {"at": "2026-12-01T07:30:00"}).status_code == 400  # naive


def test_on_call_of_another_account_schedule_is_404(api, account, other_account):
    put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    assert (
        api.get(f"/api/v1/accounts/{other_account.number}/schedules/urg/on-call").status_code == 404
    )


def test_api_needs_a_token(account):
    assert (
        Client().get(f"/api/v1/accounts/{account.number}/schedules/urg/on-call").status_code == 401
    )


def test_on_call_as_of_answers_as_the_portal_did_then(api, account, start, alice):
    put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    put(api, f"/accounts/{account.number}/schedules/urg/shifts/w1", shift_body(start))
    shift = Shift.objects.get(external_id="w1")
    ann = make_contact(account, "Ann")
    olga = make_contact(account, "Olga")
    t0 = timezone.now() - timedelta(hours=3)
    base = actions.assign(shift, 1, ann, alice, now=t0, notify=False)
    row = actions.override(
        shift,
        1,
        olga,
        shift.starts_at,
        shift.starts_at + timedelta(hours=2),
        alice,
        now=t0 + timedelta(hours=1),
        notify=False,
    )
    actions.unassign(row, alice, now=t0 + timedelta(hours=2), notify=False)
    actions.unassign(base, alice, now=t0 + timedelta(hours=2, minutes=30), notify=False)
    path = f"/api/v1/accounts/{account.number}/schedules/urg/on-call"
    at = (shift.starts_at + timedelta(hours=1)).isoformat()

    def name(as_of):
        query = {"at": at} if as_of is None else {"at": at, "as_of": as_of.isoformat()}
        contact = api.get(path, query).json()["ranks"][0]["contact"]
        return contact and contact["name"]

    assert name(t0 - timedelta(minutes=1)) is None
    assert name(t0 + timedelta(minutes=30)) == "Ann"
    assert name(t0 + timedelta(hours=1, minutes=30)) == "Olga"
    assert name(t0 + timedelta(hours=2, minutes=15)) == "Ann"
    assert name(t0 + timedelta(hours=3)) is None
    assert name(None) is None
    assert api.get(path, {"at": at, "as_of": "yesterday"}).status_code == 400


def test_as_of_keeps_time_already_served_before_an_unassignment(api, account, alice):
    put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    now = timezone.now().replace(microsecond=0)
    put(
        api,
        f"/accounts/{account.number}/schedules/urg/shifts/w1",
        shift_body(now - timedelta(hours=5), hours=24),
    )
    shift = Shift.objects.get(external_id="w1")
    ann = make_contact(account, "Ann")
    base = actions.assign(shift, 1, ann, alice, now=now - timedelta(hours=6), notify=False)
    actions.unassign(base, alice, now=now - timedelta(hours=1), notify=False)
    path = f"/api/v1/accounts/{account.number}/schedules/urg/on-call"
    served = (now - timedelta(hours=3)).isoformat()
    body = api.get(path, {"at": served, "as_of": now.isoformat()}).json()
    assert body["ranks"][0]["contact"]["name"] == "Ann"


def test_the_openapi_document_describes_as_of(api):
    document = api.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/accounts/{number}/schedules/{sid}/on-call"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert {"at", "as_of"} <= names.keys()
    assert "as the portal would have answered" in names["as_of"]["description"]


def test_shift_writes_keep_the_rulebooks_messages(api, account, start):
    put(api, f"/accounts/{account.number}/schedules/urg", {"name": "Urgences"})
    base = f"/accounts/{account.number}/schedules/urg/shifts"
    bad = {"starts_at": start.isoformat(), "ends_at": start.isoformat()}
    response = put(api, f"{base}/w3", bad)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "ends_at", "message": "A shift must end after it starts."}
    ]
