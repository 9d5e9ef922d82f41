from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from tests.factories import make_call, make_recorded_call, wav_bytes

pytestmark = pytest.mark.django_db

AUDIO = wav_bytes(0.25)


@pytest.fixture
def call(account):
    # Yesterday 09:16 local time: always inside the retention window.
    local = timezone.localtime(timezone.now(), account.tzinfo) - timedelta(days=1)
    started = local.replace(hour=9, minute=16, second=44, microsecond=0)
    return make_recorded_call(account, content=AUDIO, started_at=started)


def url(call, query: str = "") -> str:
    return f"/a/{call.account.number}/calls/{call.pk}/recording{query}"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_file_without_range(alice_client, call):
    response = alice_client.get(url(call))
    assert response.status_code == 200
    assert body(response) == AUDIO
    assert response["Content-Length"] == str(len(AUDIO))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/wav"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("inline")


def test_first_two_bytes(alice_client, call):
    response = alice_client.get(url(call), headers={"Range": "bytes=0-1"})
    assert response.status_code == 206
    assert body(response) == AUDIO[:2] == b"RI"
    assert response["Content-Range"] == f"bytes 0-1/{len(AUDIO)}"
    assert response["Content-Length"] == "2"


def test_open_ended_range(alice_client, call):
    response = alice_client.get(url(call), headers={"Range": "bytes=100-"})
    assert response.status_code == 206
    assert body(response) == AUDIO[100:]
    assert response["Content-Range"] == f"bytes 100-{len(AUDIO) - 1}/{len(AUDIO)}"
    assert response["Content-Length"] == str(len(AUDIO) - 100)


def test_suffix_range(alice_client, call):
    response = alice_client.get(url(call), headers={"Range": "bytes=-10"})
    assert response.status_code == 206
    assert body(response) == AUDIO[-10:]
    assert response["Content-Range"] == f"bytes {len(AUDIO) - 10}-{len(AUDIO) - 1}/{len(AUDIO)}"


def test_range_past_the_end_is_clipped(alice_client, call):
    response = alice_client.get(url(call), headers={"Range": f"bytes=10-{len(AUDIO) * 2}"})
    assert response.status_code == 206
    assert body(response) == AUDIO[10:]


def test_unsatisfiable_range_is_416(alice_client, call):
    response = alice_client.get(url(call), headers={"Range": f"bytes={len(AUDIO)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(AUDIO)}"


def test_malformed_or_multiple_ranges_get_the_whole_file(alice_client, call):
    for header in ("bytes=a-b", "bytes=0-1,4-5", "items=0-1"):
        response = alice_client.get(url(call), headers={"Range": header})
        assert response.status_code == 200
        assert body(response) == AUDIO


def test_download_is_an_attachment_named_by_account_date_and_time(alice_client, call, account):
    local = timezone.localtime(call.started_at, account.tzinfo)
    response = alice_client.get(url(call, "?download=1"))
    assert response.status_code == 200
    expected = f"{account.number}-{local:%Y-%m-%d}-0916.wav"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


def test_play_start_is_logged_once_not_per_range(alice_client, call):
    alice_client.get(url(call), headers={"Range": "bytes=0-"})
    alice_client.get(url(call), headers={"Range": "bytes=2000-"})
    alice_client.get(url(call), headers={"Range": "bytes=500-999"})
    assert list(AccessEvent.objects.values_list("action", flat=True)) == ["played"]


def test_request_without_range_is_logged_played(alice_client, call):
    alice_client.get(url(call))
    assert AccessEvent.objects.get().action == "played"


def test_download_is_logged_downloaded(alice_client, call):
    alice_client.get(url(call, "?download=1"))
    assert list(AccessEvent.objects.values_list("action", flat=True)) == ["downloaded"]


def test_head_is_not_logged_and_has_no_body(alice_client, call):
    response = alice_client.head(url(call))
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(AUDIO))
    assert not AccessEvent.objects.exists()


def test_other_accounts_audio_is_404(alice_client, other_account):
    theirs = make_recorded_call(other_account)
    assert alice_client.get(url(theirs)).status_code == 404
    assert alice_client.get(url(theirs), headers={"Range": "bytes=0-1"}).status_code == 404
    assert not AccessEvent.objects.exists()


def test_call_without_recording_is_404(alice_client, account):
    assert alice_client.get(url(make_call(account))).status_code == 404


def test_billing_role_may_not_listen(carol_client, call):
    assert carol_client.get(url(call)).status_code == 403


def test_post_is_refused(alice_client, call):
    assert alice_client.post(url(call)).status_code == 405
