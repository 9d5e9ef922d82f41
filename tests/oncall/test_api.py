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
