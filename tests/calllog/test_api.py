import json
from decimal import Decimal

import pytest
from django.test import Client

from api.models import ApiToken
from calllog.models import Call
from tests.factories import make_recorded_call, wav_bytes

pytestmark = pytest.mark.django_db

BODY = {
    "started_at": "2026-03-22T09:16:44-04:00",
    "direction": "inbound",
    "kind": "conversation",
    "caller_number": "514-555-0142",
    "caller_name": "Marc Lefebvre",
    "dialed_number": "514-555-5201",
    "agent": "CL2",
    "description": "Service call",
    "message_external_id": "M-1",
    "duration_s": 120,
    "busy": False,
    "queued_s": 0,
    "assigned_s": 4,
    "answered_s": 12,
    "work_s": 150,
    "hold_s": 0,
    "patch_s": None,
    "details": {},
    "billing": {"units": "2.75", "invoice_number": "780412-202603"},
}


@pytest.fixture
def api(db):
    _token, secret = ApiToken.issue("platform")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def put(api, path: str, body: dict):
    return api.put(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def put_audio(api, path: str, content: bytes, content_type: str = "audio/wav"):
    return api.put(f"/api/v1{path}", content, content_type=content_type)


def test_put_creates_then_replay_changes_nothing(api, account):
    response = put(api, "/accounts/5201/calls/C-1", BODY)
    assert response.status_code == 201, response.content
    call = Call.objects.get(account=account, external_id="C-1")
    assert call.answered_s == 12 and call.billing_units == Decimal("2.75")
    assert call.invoice_number == "780412-202603"
    again = put(api, "/accounts/5201/calls/C-1", BODY)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    assert Call.objects.count() == 1


def test_put_replaces_fields_and_clears_billing(api, account):
    put(api, "/accounts/5201/calls/C-1", BODY)
    response = put(api, "/accounts/5201/calls/C-1", {**BODY, "agent": "SY1", "billing": None})
    assert response.status_code == 200 and response.json()["outcome"] == "replaced"
    call = Call.objects.get()
    assert call.agent == "SY1" and call.billing_units is None and call.invoice_number == ""


def test_only_required_fields(api, account):
    body = {k: BODY[k] for k in ("started_at", "direction", "kind", "duration_s")}
    assert put(api, "/accounts/5201/calls/C-2", body).status_code == 201
    call = Call.objects.get()
    assert call.queued_s is None and call.hold_s == 0 and call.details == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"started_at": "2026-03-22T09:16:44"}, "started_at"),
        ({"direction": "sideways"}, "direction"),
        ({"kind": "voicemail"}, "kind"),
        ({"duration_s": -1}, "duration_s"),
        ({"colour": "blue"}, "colour"),
        ({"billing": {"units": "1.5", "typo": 1}}, "billing.typo"),
    ],
)
def test_bad_body_is_400_and_changes_nothing(api, account, change, field):
    response = put(api, "/accounts/5201/calls/C-3", {**BODY, **change})
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Call.objects.exists()


def test_missing_required_field_is_400(api, account):
    body = {k: v for k, v in BODY.items() if k != "started_at"}
    assert put(api, "/accounts/5201/calls/C-4", body).status_code == 400


def test_unknown_account_is_404(api, db):
    assert put(api, "/accounts/4040/calls/C-1", BODY).status_code == 404


def test_no_token_is_401(client, account):
    response = client.put(
        "/api/v1/accounts/5201/calls/C-1", json.dumps(BODY), content_type="application/json"
    )
    assert response.status_code == 401


def test_recording_is_stored_with_size_and_duration(
    api, account, django_capture_on_commit_callbacks
):
    put(api, "/accounts/5201/calls/C-1", BODY)
    audio = wav_bytes(2.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = put_audio(api, "/accounts/5201/calls/C-1/recording", audio)
    assert response.status_code == 201, response.content
    assert response.json()["duration_s"] == 2.0
    call = Call.objects.get()
    assert call.recording_size == len(audio) and call.recording_content_type == "audio/wav"
    with call.recording.open("rb") as stored:
        assert stored.read() == audio


def test_same_recording_again_is_unchanged(api, account, django_capture_on_commit_callbacks):
    put(api, "/accounts/5201/calls/C-1", BODY)
    audio = wav_bytes(0.5)
    with django_capture_on_commit_callbacks(execute=True):
        put_audio(api, "/accounts/5201/calls/C-1/recording", audio)
    name = Call.objects.get().recording.name
    response = put_audio(api, "/accounts/5201/calls/C-1/recording", audio)
    assert response.status_code == 200 and response.json()["outcome"] == "unchanged"
    assert Call.objects.get().recording.name == name


def test_new_recording_replaces_and_deletes_the_old_file_on_commit(
    api, account, django_capture_on_commit_callbacks
):
    put(api, "/accounts/5201/calls/C-1", BODY)
    with django_capture_on_commit_callbacks(execute=True):
        put_audio(api, "/accounts/5201/calls/C-1/recording", wav_bytes(0.5))
    old = Call.objects.get().recording
    old_name, storage = old.name, old.storage
    assert storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        response = put_audio(
            api, "/accounts/5201/calls/C-1/recording", b"ID3 not really mp3", "audio/mpeg"
        )
    assert response.status_code == 200 and response.json()["outcome"] == "replaced"
    call = Call.objects.get()
    assert call.recording.name != old_name and call.recording.name.endswith(".mp3")
    assert call.recording_duration_s is None
    assert not storage.exists(old_name) and storage.exists(call.recording.name)


def test_recording_of_unsupported_type_is_415(api, account):
    put(api, "/accounts/5201/calls/C-1", BODY)
    response = put_audio(api, "/accounts/5201/calls/C-1/recording", b"x", "video/mp4")
    assert response.status_code == 415
    assert not Call.objects.get().recording


def test_recording_of_unknown_call_is_404(api, account, other_account):
    put(api, "/accounts/7300/calls/C-1", BODY)
    assert put_audio(api, "/accounts/5201/calls/C-1/recording", wav_bytes(0.1)).status_code == 404


def test_empty_recording_is_400(api, account):
    put(api, "/accounts/5201/calls/C-1", BODY)
    response = api.put(
        "/api/v1/accounts/5201/calls/C-1/recording",
        b"",
        content_type="audio/wav",
        CONTENT_TYPE="audio/wav",
    )
    assert response.status_code == 400


def test_recording_over_the_limit_is_413(api, account, settings):
    put(api, "/accounts/5201/calls/C-1", BODY)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = put_audio(api, "/accounts/5201/calls/C-1/recording", b"x" * 500)
    assert response.status_code == 413


def test_odd_external_id_makes_a_safe_file_name(account):
    call = make_recorded_call(account, external_id="../../etc/passwd x")
    assert ".." not in call.recording.name
    assert call.recording.name.startswith("5201/")
    assert call.recording.storage.exists(call.recording.name)
