"""A batch writes its PUTs of messages and calls together (api/batch.py, set writers):
the same rows, events, rollups, outbox and answers as the same PUTs sent one by one,
all or nothing, idempotent, and a number of queries that does not grow with the batch."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from api.models import ApiToken
from calllog.models import Call, CallDay
from messages_app.models import Message, MessageEvent
from stats.models import FIGURES, CallRollup
from stats.rollup import drift
from tests.api.conftest import account_body, fields_of
from webhooks.models import Event

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/batch"
START = datetime(2026, 3, 22, 13, 0, tzinfo=UTC)


def at(minutes: float) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def message(subject: str = "Fuite d'eau", events=(), **changes) -> dict:
    return {
        "taken_at": at(0),
        "taken_by": "A07",
        "subject": subject,
        "caller_name": "Geneviève Bérubé",
        "caller_number": "514-555-0142",
        "urgent": False,
        "fields": [{"label": "Problème", "value": "Fuite sous l'évier"}],
        "events": list(events),
        **changes,
    }


def event(minutes: float, kind: str = "sms_sent", target: str = "+15145550142", **more) -> dict:
    return {"at": at(minutes), "kind": kind, "target": target, **more}


def call(minutes: float = 0, **changes) -> dict:
    return {
        "started_at": at(minutes),
        "direction": "inbound",
        "kind": "conversation",
        "duration_s": 95,
        "caller_number": "(514) 555-0199",
        "queued_s": 3,
        "assigned_s": 5,
        "answered_s": 12,
        "work_s": 30,
        "hold_s": 15,
        "billing": {"units": "1.50", "invoice_number": "F-1"},
        **changes,
    }


def put(number: int, kind: str, external_id: str, body: dict) -> dict:
    return {
        "method": "PUT",
        "path": f"/api/v1/accounts/{number}/{kind}/{external_id}",
        "body": body,
    }


def operations(number: int) -> list[dict]:
    """A mix: new and stored messages and calls, one replaced, one unchanged, two writes
    of one message merging their events, acknowledgements by the platform, a call
    moved to another hour (its rollup cells change) and one outbound."""
    return [
        put(number, "messages", "M1", message(events=[event(1, "taken", "A07"), event(2)])),
        put(number, "calls", "C1", call(0)),
        put(number, "messages", "M2", message("Chauffage", events=[event(1), event(1)])),
        put(number, "messages", "STORED", message("Changé", events=[event(3), event(9)])),
        put(number, "messages", "SAME", message("Même")),
        put(number, "calls", "C-STORED", call(90, duration_s=300)),
        put(number, "calls", "C-SAME", call(5)),
        put(
            number,
            "messages",
            "M1",
            message(
                "Fuite d'eau, rappel",
                events=[event(2), event(4, "acknowledged", "Marie"), event(5)],
            ),
        ),
        put(number, "messages", "M1", message(events=[event(3, "acknowledged", "Paul")])),
        put(number, "calls", "C1", call(0)),
        put(number, "calls", "C2", call(30, direction="outbound", queued_s=None)),
        put(number, "calls", "C1", call(61, busy=True)),
    ]


def stored_first(client, number: int) -> None:
    """What both accounts hold before: written by single PUTs."""
    client.put(f"/api/v1/accounts/{number}", account_body())
    client.put(f"/api/v1/accounts/{number}/messages/STORED", message(events=[event(3)]))
    client.put(f"/api/v1/accounts/{number}/messages/SAME", message("Même"))
    client.put(f"/api/v1/accounts/{number}/calls/C-STORED", call(10))
    client.put(f"/api/v1/accounts/{number}/calls/C-SAME", call(5))


def state(number: int) -> dict:
    """Everything the writes leave in an account, without its ids."""
    account = Account.objects.get(number=number)
    messages = Message.objects.filter(account=account).order_by("external_id")
    calls = Call.objects.filter(account=account).order_by("external_id")
    return {
        "messages": list(messages.values(*MESSAGE_COLUMNS)),
        "events": list(
            MessageEvent.objects.filter(account=account)
            .order_by("message__external_id", "at", "fingerprint")
            .values("message__external_id", "at", "kind", "target", "detail", "fingerprint")
        ),
        "calls": list(calls.values(*CALL_COLUMNS)),
        "rollup": list(
            CallRollup.objects.filter(account=account)
            .order_by("span", "local_date", "minute")
            .values("span", "local_date", "minute", "weekday", *FIGURES)
        ),
        "days": list(
            CallDay.objects.filter(account=account)
            .order_by("day")
            .values("day", "calls", "seconds", "billed_calls", "billed_units")
        ),
        "outbox": list(Event.objects.filter(account=account).values("type", "data")),
    }


MESSAGE_COLUMNS = [
    "external_id",
    "taken_at",
    "taken_by",
    "subject",
    "caller_name",
    "caller_number",
    "urgent",
    "fields",
    "search_text",
    "acknowledged_at",
    "acknowledged_by",
]
CALL_COLUMNS = [
    "external_id",
    "started_at",
    "direction",
    "kind",
    "caller_number",
    "caller_digits",
    "duration_s",
    "busy",
    "queued_s",
    "assigned_s",
    "answered_s",
    "work_s",
    "hold_s",
    "patch_s",
    "details",
    "billing_units",
    "invoice_number",
]


def without_ids(results: list[dict]) -> list[dict]:
    return [
        {"status": r["status"], "body": {k: v for k, v in r["body"].items() if k != "id"}}
        for r in results
    ]


def one_by_one(client, ops: list[dict]) -> list[dict]:
    results = []
    for op in ops:
        response = client.put(op["path"], op["body"])
        results.append({"status": response.status_code, "body": response.json()})
    return results


def test_a_batch_leaves_what_the_same_puts_one_by_one_leave(api_client):
    stored_first(api_client, 8301)
    stored_first(api_client, 8302)

    alone = one_by_one(api_client, operations(8301))
    response = api_client.post(BATCH, {"operations": operations(8302)})

    assert response.status_code == 200
    assert response.json()["applied"] is True
    together = response.json()["results"]
    assert without_ids(together) == without_ids(alone)
    statuses = [201, 201, 201, 200, 200, 200, 200, 200, 200, 200, 201, 200]
    assert [r["status"] for r in together] == statuses
    assert [r["body"]["outcome"] for r in together] == [
        "created", "created", "created", "replaced", "unchanged", "replaced",
        "unchanged", "replaced", "replaced", "unchanged", "created", "replaced",
    ]  # fmt: skip
    added = [2, None, 1, 1, 0, None, None, 2, 1, None, None, None]
    assert [r["body"].get("events_added") for r in together] == added
    assert state(8302) == state(8301)
    # The ids answered are the rows' own, the same for every write of one key.
    ids = {r["body"]["external_id"]: r["body"]["id"] for r in together}
    assert ids["M1"] == Message.objects.get(account__number=8302, external_id="M1").pk
    assert ids["C1"] == Call.objects.get(account__number=8302, external_id="C1").pk
    assert drift() == []


def test_two_writes_of_one_message_in_a_batch_merge_their_events(api_client):
    api_client.put("/api/v1/accounts/8301", account_body())
    ops = [
        put(8301, "messages", "M1", message(events=[event(1), event(2)])),
        put(8301, "messages", "M1", message("Autre", events=[event(2), event(3)])),
        put(8301, "messages", "M1", message("Autre", events=[event(5, "acknowledged", "Marie")])),
        put(8301, "messages", "M1", message("Autre", events=[event(4, "acknowledged", "Paul")])),
    ]

    response = api_client.post(BATCH, {"operations": ops})

    results = response.json()["results"]
    assert [(r["status"], r["body"]["outcome"], r["body"]["events_added"]) for r in results] == [
        (201, "created", 2),
        (200, "replaced", 1),
        (200, "replaced", 1),
        (200, "replaced", 1),
    ]
    stored = Message.objects.get(external_id="M1")
    assert stored.subject == "Autre"
    assert [e.at for e in stored.events.order_by("at")] == [
        START + timedelta(minutes=m) for m in (1, 2, 3, 4, 5)
    ]
    # The first acknowledgement the platform sent, in the batch's order, wins.
    assert (stored.acknowledged_at, stored.acknowledged_by) == (
        START + timedelta(minutes=5),
        "Marie",
    )


def test_the_same_batch_twice_changes_nothing_and_answers_the_same(api_client):
    stored_first(api_client, 8301)
    # Without the writes that change back what an earlier write of the batch changed.
    ops = [op for index, op in enumerate(operations(8301)) if index not in (7, 8, 11)]
    first = api_client.post(BATCH, {"operations": ops})
    before = state(8301)

    second = api_client.post(BATCH, {"operations": ops})
    third = api_client.post(BATCH, {"operations": ops})

    assert second.status_code == third.status_code == 200
    assert second.json() == third.json()
    results = second.json()["results"]
    assert {r["status"] for r in results} == {200}
    assert {r["body"]["outcome"] for r in results} == {"unchanged"}
    assert {r["body"].get("events_added", 0) for r in results} == {0}
    assert state(8301) == before
    assert [r["body"]["id"] for r in results] == [r["body"]["id"] for r in first.json()["results"]]


def nothing_written() -> bool:
    return not (
        Message.objects.exists()
        or MessageEvent.objects.exists()
        or Call.objects.exists()
        or CallRollup.objects.exists()
        or CallDay.objects.exists()
    )


def test_one_bad_operation_leaves_nothing_and_answers_as_its_put_alone(api_client):
    api_client.put("/api/v1/accounts/8301", account_body())
    bad = message(taken_at="2026-03-22T09:16:44")  # a naive instant
    ops = [*operations(8301)[:3], put(8301, "messages", "BAD", bad), *operations(8301)[3:]]

    response = api_client.post(BATCH, {"operations": ops})
    alone = api_client.put("/api/v1/accounts/8301/messages/BAD", bad)

    assert response.status_code == 400
    data = response.json()
    assert data["applied"] is False
    assert data["failed"] == 3
    assert [r["status"] for r in data["results"]] == [201, 201, 201, 400]
    assert data["results"][3]["body"] == alone.json()
    assert fields_of(response) == {f"operations.3.{e['field']}" for e in alone.json()["errors"]}
    assert nothing_written()


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        # An instant outside 1970..2100: refused by the schema at its index.
        (put(8301, "messages", "LATE", message(taken_at="9999-12-31T23:59:59-14:00")), 400),
        (put(8301, "calls", "BIG", call(billing={"units": "9999999999.99"})), 400),
        (put(9999, "messages", "M9", message()), 404),  # an unknown account
        (put(8301, "messages", "x" * 65, message()), 400),
        ({"method": "PUT", "path": "/api/v1/accounts/8301/messages/M9"}, 400),  # no body
    ],
)
def test_a_failing_operation_in_the_middle_of_a_run_fails_the_batch_at_its_index(
    api_client, bad, status
):
    api_client.put("/api/v1/accounts/8301", account_body())
    ops = [*operations(8301)[:5], bad, *operations(8301)[5:]]

    response = api_client.post(BATCH, {"operations": ops})

    assert response.status_code == 400
    data = response.json()
    assert data["failed"] == 5
    assert [r["status"] for r in data["results"]] == [201, 201, 201, 201, 201, status]
    assert nothing_written()


def test_a_batch_may_create_the_account_its_messages_go_to(api_client):
    ops = [
        {"method": "PUT", "path": "/api/v1/accounts/8301", "body": account_body()},
        put(8301, "messages", "M1", message()),
        put(8301, "calls", "C1", call()),
    ]

    response = api_client.post(BATCH, {"operations": ops})

    assert [r["status"] for r in response.json()["results"]] == [201, 201, 201]
    assert Message.objects.filter(account__number=8301, external_id="M1").exists()


def test_writes_of_several_accounts_in_one_batch_stay_in_their_own(api_client):
    api_client.put("/api/v1/accounts/8301", account_body())
    api_client.put("/api/v1/accounts/8302", account_body(name="Autre"))
    ops = [
        put(8301, "messages", "M1", message("Un")),
        put(8302, "messages", "M1", message("Deux")),
        put(8302, "calls", "C1", call()),
    ]

    response = api_client.post(BATCH, {"operations": ops})

    assert [r["status"] for r in response.json()["results"]] == [201, 201, 201]
    assert dict(Message.objects.values_list("account__number", "subject")) == {
        8301: "Un",
        8302: "Deux",
    }
    assert list(Call.objects.values_list("account__number", flat=True)) == [8302]


def queries_for(api_client, number: int, size: int) -> int:
    ops = []
    for index in range(size):
        ops.append(put(number, "messages", f"M{index}", message(events=[event(index)])))
        ops.append(put(number, "calls", f"C{index}", call(index)))
    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(BATCH, {"operations": ops})
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_queries_of_a_batch_do_not_grow_with_its_operations(api_client):
    api_client.put("/api/v1/accounts/8301", account_body())
    api_client.put("/api/v1/accounts/8302", account_body())

    small = queries_for(api_client, 8301, 5)
    large = queries_for(api_client, 8302, 200)
    replayed = queries_for(api_client, 8302, 200)

    assert small == large
    assert replayed <= large
    assert large <= 20


@pytest.mark.django_db(transaction=True)
def test_batches_writing_the_same_messages_at_once_create_each_once():
    _token, secret = ApiToken.issue("platform-race")
    Client(headers={"Authorization": f"Bearer {secret}"}).generic(
        "PUT", "/api/v1/accounts/8301", json.dumps(account_body()), content_type="application/json"
    )
    ops = [put(8301, "messages", f"M{i}", message(events=[event(i)])) for i in range(30)]
    ops += [put(8301, "calls", f"C{i}", call(i)) for i in range(30)]
    barrier = threading.Barrier(4)
    answers: list[dict] = []
    failures: list[BaseException] = []

    def send():
        client = Client(headers={"Authorization": f"Bearer {secret}"})
        try:
            barrier.wait(timeout=30)
            response = client.generic(
                "POST", BATCH, json.dumps({"operations": ops}), content_type="application/json"
            )
            answers.append(response.json())
        except BaseException as error:  # reported in the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert all(answer["applied"] for answer in answers)
    created = [
        r["body"]["external_id"] for a in answers for r in a["results"] if r["status"] == 201
    ]
    assert sorted(created) == sorted(op["path"].rsplit("/", 1)[1] for op in ops)
    assert Message.objects.count() == 30
    assert MessageEvent.objects.count() == 30
    assert Call.objects.count() == 30
    assert drift() == []


def test_control_characters_in_a_batch_are_removed_as_in_a_single_put(api_client):
    """The intake rule holds inside a run written together: a NUL is removed, not stored."""
    api_client.put("/api/v1/accounts/8301", account_body())
    ops = [*operations(8301)[:2], put(8301, "messages", "NUL", message("Fuite\x00 d'eau"))]

    response = api_client.post(BATCH, {"operations": ops})

    assert response.status_code == 200, response.content
    assert Message.objects.get(external_id="NUL").subject == "Fuite d'eau"
