"""Writing calls and their recordings (the API and the demo seed), and purging them."""

from __future__ import annotations

import functools
import hashlib
import io
import wave
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import Account
from calllog import observers
from calllog.models import Call, recordings_storage
from calllog.schemas import CallIn
from portal.retention import delete_in_batches
from portal.upsert import Outcome, upsert

# The recording types the platform may send, and the file extension each is stored with.
RECORDING_TYPES = {
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
}


def write_call(account: Account, external_id: str, data: CallIn) -> tuple[Call, Outcome]:
    """Create or replace a call by its platform id; the recording is left as it is.

    The statistics rollup follows in the same transaction (calllog/observers.py)."""
    billing = data.billing
    values = {
        "started_at": data.started_at,
        "direction": data.direction,
        "kind": data.kind,
        "caller_number": data.caller_number,
        "caller_name": data.caller_name,
        "dialed_number": data.dialed_number,
        "agent": data.agent,
        "description": data.description,
        "message_external_id": data.message_external_id,
        "duration_s": data.duration_s,
        "busy": data.busy,
        "queued_s": data.queued_s,
        "assigned_s": data.assigned_s,
        "answered_s": data.answered_s,
        "work_s": data.work_s,
        "hold_s": data.hold_s,
        "patch_s": data.patch_s,
        "details": data.details,
        "billing_units": billing.units if billing else None,
        "invoice_number": billing.invoice_number if billing else "",
    }
    with transaction.atomic():
        written = observers.writing(account, external_id)
        call, outcome = upsert(Call, {"account": account, "external_id": external_id}, values)
        written(call)
        return call, outcome


def audio_duration(content: bytes, content_type: str) -> float | None:
    """Seconds of audio, when the standard library can tell (WAV); otherwise None."""
    if content_type != "audio/wav":
        return None
    try:
        with wave.open(io.BytesIO(content)) as audio:
            rate = audio.getframerate()
            return round(audio.getnframes() / rate, 3) if rate else None
    except (wave.Error, EOFError):
        return None


def attach_recording(call: Call, content: bytes, content_type: str) -> Outcome:
    """Store `content` as the call's recording, replacing an older one.

    The same bytes sent again change nothing. The old file is deleted only once the
    row points at the new one for good (on commit), so no row ever names a missing
    file; if the transaction fails, the old file stays where the row points.
    """
    if content_type not in RECORDING_TYPES:
        raise ValueError(f"Unsupported recording type {content_type!r}.")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if (
            call.recording.name
            and call.recording_sha256 == digest
            and call.recording.storage.exists(call.recording.name)
        ):
            return Outcome.UNCHANGED
        old_name = call.recording.name if call.recording else ""
        created = not old_name
        call.recording.save(
            f"recording.{RECORDING_TYPES[content_type]}", ContentFile(content), save=False
        )
        call.recording_content_type = content_type
        call.recording_size = len(content)
        call.recording_duration_s = audio_duration(content, content_type)
        call.recording_sha256 = digest
        call.save(
            update_fields=[
                "recording",
                "recording_content_type",
                "recording_size",
                "recording_duration_s",
                "recording_sha256",
            ]
        )
        if old_name and old_name != call.recording.name:
            transaction.on_commit(lambda: recordings_storage().delete(old_name))
    return Outcome.CREATED if created else Outcome.REPLACED


def purge_calls(cutoff: datetime, batch_size: int = 500) -> int:
    """Delete the calls started before `cutoff`, then their recording files.

    Each batch deletes its rows in one transaction and the files only after that
    transaction commits: a failed batch leaves rows and files as they were, so no
    file is left without its row and no row points at a deleted file. A row that cannot
    be deleted is skipped with a log line (portal.retention).
    """

    def delete(pks: list[int]) -> None:
        names = list(Call.objects.filter(pk__in=pks).exclude(recording="").values_list(
            "recording", flat=True
        ))
        observers.deleting(pks)  # the statistics rollup, in the same transaction
        Call.objects.filter(pk__in=pks).delete()
        transaction.on_commit(functools.partial(_delete_files, names))

    return delete_in_batches(Call.objects.older_than(cutoff), delete, batch_size, what="calls")


def _delete_files(names: list[str]) -> None:
    storage = recordings_storage()
    for name in names:
        storage.delete(name)
