"""Walking a storage (a local folder or an S3-compatible bucket) for the files older than
some age, and moving a file into place: what the recordings' clean-up and their
write-then-move need, whatever the backend."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.core.files.storage import FileSystemStorage, Storage


def files_older_than(storage: Storage, before: datetime) -> Iterator[str]:
    """The names (as the storage names them) of the files last written before `before`."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # S3: the listing carries each object's date, no request per file
        prefix = (getattr(storage, "location", "") or "").strip("/")
        start = f"{prefix}/" if prefix else ""
        for item in bucket.objects.filter(Prefix=start):
            if item.last_modified < before and not item.key.endswith("/"):
                yield item.key[len(start) :]
        return
    yield from _walk(storage, "", before)


def _walk(storage: Storage, folder: str, before: datetime) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{folder}/{name}" if folder else name
        try:
            if storage.get_modified_time(path) < before:
                yield path
        except FileNotFoundError:
            continue  # deleted meanwhile
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub, before)


def move(storage: Storage, source: str, target: str) -> str:
    """Move `source` to `target` within `storage`; returns the name it got. A local
    folder renames (atomic); another backend copies, then deletes the source."""
    if isinstance(storage, FileSystemStorage):
        destination = Path(storage.path(target))
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(storage.path(source), destination)
        return target
    with storage.open(source, "rb") as handle:
        saved = storage.save(target, handle)
    storage.delete(source)
    return saved
