"""Writing calls and their recordings (the API and the demo seed), and purging them."""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import uuid
import wave
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from calllog import observers
from calllog.models import Call, recording_path, recordings_storage
from calllog.schemas import CallIn
from portal.retention import delete_in_batches
from portal.storage_sweep import files_older_than, move
from portal.upsert import (
    ExternalKey,
    Outcome,
    insert_new,
    lock_by_external_id,
    plan_writes,
    update_rows,
)

# The recording types the platform may send, and the file extension each is stored with.
logger = logging.getLogger("calllog")

RECORDING_TYPES = {
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
}


# The call's fields a PUT replaces (the recording is left as it is).
CALL_VALUES = (
    "started_at",
    "direction",
    "kind",
    "caller_number",
    "caller_name",
    "dialed_number",
    "agent",
    "description",
    "message_external_id",
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
)


def call_values(data: CallIn) -> dict[str, Any]:
    billing = data.billing
    return {
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


def write_call(account: Account, external_id: str, data: CallIn) -> tuple[Call, Outcome]:
    """Create or replace a call by its platform id; the recording is left as it is.

    The statistics rollup follows in the same transaction (calllog/observers.py)."""
    return write_calls([(account, external_id, data)])[0]


def write_calls(writes: Sequence[tuple[Account, str, CallIn]]) -> list[tuple[Call, Outcome]]:
    """write_call for many calls at once (a batch of the API), in a few statements
    whatever their number: the same rows, outcomes and rollups as calling write_call for
    each in order, in one transaction. The observers (the statistics rollup) are told
    once, of every key; the stored calls are locked in one query, each write's outcome
    worked out in order in memory (portal.upsert.plan_writes), the new calls inserted in
    one statement and the changed ones updated in another (the daily totals, CallDay,
    follow through their statement-level triggers)."""
    keyed = [
        ((account.pk, external_id), call_values(data)) for account, external_id, data in writes
    ]
    accounts = {account.pk: account for account, _external_id, _data in writes}
    unique = list(
        {
            (account.pk, external_id): (account, external_id) for account, external_id, _d in writes
        }.values()
    )
    with transaction.atomic(savepoint=False):
        written = observers.writing(unique)
        rows = lock_by_external_id(Call, [key for key, _values in keyed])
        outcomes, finals = plan_writes(keyed, _stored_values(rows))
        stored_keys = set(rows)
        missing = {key: finals[key] for key in finals if key not in rows}
        if missing:
            created = _insert_calls(accounts, missing)
            lost = [key for key in missing if key not in created]
            if lost:  # created by another request meanwhile: now a stored call
                rows |= lock_by_external_id(Call, lost)
                stored_keys = set(rows)
                outcomes, finals = plan_writes(keyed, _stored_values(rows))
            rows |= created
        stored = _stored_values({key: rows[key] for key in stored_keys})
        changed = [key for key in sorted(stored_keys) if finals[key] != stored[key]]
        for key in changed:
            for name, value in finals[key].items():
                setattr(rows[key], name, value)
        update_rows([rows[key] for key in changed], CALL_VALUES)
        written([rows[key] for key in finals])
    return [(rows[key], outcome) for (key, _values), outcome in zip(keyed, outcomes, strict=True)]


def _stored_values(rows: dict[ExternalKey, Call]) -> dict[ExternalKey, dict[str, Any]]:
    return {key: {name: getattr(row, name) for name in CALL_VALUES} for key, row in rows.items()}


def _insert_calls(
    accounts: dict[int, Account], values: dict[ExternalKey, dict[str, Any]]
) -> dict[ExternalKey, Call]:
    """Insert these new calls; returns those inserted (not those another request
    inserted first), with their ids."""
    return insert_new(
        {
            (account_id, external_id): Call(
                account=accounts[account_id], external_id=external_id, **fields
            )
            for (account_id, external_id), fields in values.items()
        }
    )


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


# Where an upload waits, under a name no row holds, until its row commits.
UPLOAD_FOLDER = "incoming"
# A file no row names is removed once it is this old (a killed upload's partial file).
ORPHAN_AGE = timedelta(days=1)


def attach_recording(call: Call, content: bytes, content_type: str) -> Outcome:
    """Store `content` as the call's recording, replacing an older one.

    The same bytes sent again change nothing. The audio is first written under a
    temporary name (incoming/); the row is given its final name, and the file is moved
    there only once that row commits (on commit), then the old file is deleted. A worker
    killed mid-write, or a transaction rolled back, leaves only a temporary file that no
    row names, which the purge removes a day later (purge_orphan_recordings).
    """
    if content_type not in RECORDING_TYPES:
        raise ValueError(f"Unsupported recording type {content_type!r}.")
    digest = hashlib.sha256(content).hexdigest()
    storage = recordings_storage()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if (
            call.recording.name
            and call.recording_sha256 == digest
            and call.recording.storage.exists(call.recording.name)
        ):
            return Outcome.UNCHANGED
        old_name = call.recording.name or ""
        created = not old_name
        temporary = storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.part", ContentFile(content))
        final = storage.get_available_name(
            recording_path(call, f"recording.{RECORDING_TYPES[content_type]}")
        )
        call.recording.name = final
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
        transaction.on_commit(
            functools.partial(_move_into_place, temporary, final, old_name), robust=True
        )
    return Outcome.CREATED if created else Outcome.REPLACED


def _move_into_place(temporary: str, final: str, old_name: str) -> None:
    storage = recordings_storage()
    try:
        saved = move(storage, temporary, final)
    except Exception:
        logger.exception("Recording %s could not be moved to %s.", temporary, final)
        raise
    if saved != final:  # the name was taken meanwhile: the row follows the file
        Call.objects.filter(recording=final).update(recording=saved)
    if old_name and old_name != saved:
        storage.delete(old_name)


def purge_orphan_recordings(_cutoff: datetime, batch_size: int = 500) -> int:
    """Delete the recording files that no call names, once a day old (an upload whose
    worker was killed, a rolled-back write, a file whose row failed to delete it)."""
    storage = recordings_storage()
    named = set(Call.objects.exclude(recording="").values_list("recording", flat=True).iterator())
    removed = 0
    for name in files_older_than(storage, timezone.now() - ORPHAN_AGE):
        if name not in named:
            storage.delete(name)
            removed += 1
    if removed:
        logger.info("Removed %d recording files no call names.", removed)
    return removed


def purge_calls(cutoff: datetime, batch_size: int = 500) -> int:
    """Delete the calls started before `cutoff`, then their recording files.

    Each batch deletes its rows in one transaction and the files only after that
    transaction commits: a failed batch leaves rows and files as they were, so no
    file is left without its row and no row points at a deleted file. A row that cannot
    be deleted is skipped with a log line (portal.retention).
    """

    def delete(pks: list[int]) -> None:
        names = list(
            Call.objects.filter(pk__in=pks)
            .exclude(recording="")
            .values_list("recording", flat=True)
        )
        observers.deleting(pks)  # the statistics rollup, in the same transaction
        Call.objects.filter(pk__in=pks).delete()
        transaction.on_commit(functools.partial(_delete_files, names))

    return delete_in_batches(Call.objects.older_than(cutoff), delete, batch_size, what="calls")


def _delete_files(names: list[str]) -> None:
    storage = recordings_storage()
    for name in names:
        storage.delete(name)
