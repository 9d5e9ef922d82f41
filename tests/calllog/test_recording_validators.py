"""Absurd ranges get 416; the audio carries an ETag and a Last-Modified; If-Range is
honoured (a stale validator gets the whole file); a file missing from storage is a 404."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from portal.streaming import Unsatisfiable, parse_range
from tests.factories import make_recorded_call, wav_bytes

pytestmark = pytest.mark.django_db

AUDIO = wav_bytes(0.25)


@pytest.fixture
def call(account):
    return make_recorded_call(account, content=AUDIO, started_at=timezone.now() - timedelta(days=1))


def url(call) -> str:
    return f"/a/{call.account.number}/calls/{call.pk}/recording"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-" + "9" * 5000,
        "bytes=" + "9" * 5000 + "-",
        "bytes=-" + "9" * 5000,
        "bytes=" + "1" * 25 + "-",
    ],
)
def test_an_absurd_range_is_416_not_a_500(alice_client, call, header):
    response = alice_client.get(url(call), headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(AUDIO)}"


def test_a_big_but_readable_last_position_is_clipped():
    assert parse_range("bytes=0-99999999999999", 10) == (0, 9)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=0-" + "9" * 20, 10)


def test_the_audio_has_an_etag_and_a_last_modified(alice_client, call):
    response = alice_client.get(url(call))
    assert response.status_code == 200
    assert response["ETag"] == f'"{call.recording_sha256}"'
    stored = call.recording.storage.get_modified_time(call.recording.name)
    assert response["Last-Modified"] == http_date(stored.timestamp())
    head = alice_client.head(url(call))
    assert head["ETag"] == response["ETag"]


def test_if_range_with_the_current_etag_gets_the_range(alice_client, call):
    etag = alice_client.get(url(call))["ETag"]
    response = alice_client.get(url(call), headers={"Range": "bytes=0-1", "If-Range": etag})
    assert response.status_code == 206
    assert body(response) == AUDIO[:2]


def test_if_range_with_the_last_modified_date_gets_the_range(alice_client, call):
    modified = alice_client.get(url(call))["Last-Modified"]
    response = alice_client.get(url(call), headers={"Range": "bytes=0-1", "If-Range": modified})
    assert response.status_code == 206


@pytest.mark.parametrize(
    "if_range",
    ['"not-the-tag"', 'W/"{etag}"', "Wed, 21 Oct 2015 07:28:00 GMT", "garbage"],
)
def test_a_non_matching_if_range_gets_the_whole_file(alice_client, call, if_range):
    etag = alice_client.get(url(call))["ETag"].strip('"')
    response = alice_client.get(
        url(call), headers={"Range": "bytes=0-1", "If-Range": if_range.replace("{etag}", etag)}
    )
    assert response.status_code == 200
    assert body(response) == AUDIO
    assert "Content-Range" not in response


def test_a_recording_missing_from_storage_is_404(alice_client, call):
    call.recording.storage.delete(call.recording.name)
    assert alice_client.get(url(call)).status_code == 404
