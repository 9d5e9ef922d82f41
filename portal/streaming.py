"""Serving a stored file (a call's recording, an export) with HTTP Range support
(RFC 9110, one range), validators (ETag, Last-Modified) and If-Range.

The file is read through the storage API (never a filesystem path), so the same code
streams from local media or from an S3-compatible bucket; from a bucket, the range is
one ranged GET streamed as it arrives (django-storages' own file object would first
copy the whole object). Recordings and export files are both served by `stream_file`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

CHUNK = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
# More digits than any file size can have (2**63 has 19): the range is absurd, 416.
MAX_POSITION_DIGITS = 19


class Unsatisfiable(Exception):
    """The Range asked for lies wholly outside the file: 416."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive, for one `bytes=` range; None to send
    the whole file (no header, a malformed one or several ranges: RFC 9110 lets a
    server ignore those). Raises Unsatisfiable for a range outside the file."""
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if len(first.lstrip("0")) > MAX_POSITION_DIGITS or len(last.lstrip("0")) > MAX_POSITION_DIGITS:
        raise Unsatisfiable
    if first == "":  # bytes=-n: the last n bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    end = int(last) if last else size - 1
    return start, min(end, size - 1)


class _Chunks:
    """`remaining` bytes of an open file, read in chunks. Closing it, as the server does
    when the answer ends or the client goes away (even before the first chunk), closes
    the file."""

    def __init__(self, handle: IO[bytes], remaining: int) -> None:
        self.handle = handle
        self.remaining = remaining

    def __iter__(self) -> Iterator[bytes]:
        try:
            while self.remaining > 0:
                data = self.handle.read(min(CHUNK, self.remaining))
                if not data:
                    break
                self.remaining -= len(data)
                yield data
        finally:
            self.close()

    def close(self) -> None:
        self.handle.close()


def open_range(storage, name: str, first: int, length: int) -> IO[bytes]:
    """A readable, closable source of `length` bytes of a stored file from `first` on."""
    if length <= 0:
        return io.BytesIO(b"")
    bucket = getattr(storage, "bucket", None)
    if bucket is not None and hasattr(storage, "_normalize_name"):  # django-storages' S3
        from storages.utils import clean_name

        key = storage._normalize_name(clean_name(name))
        return bucket.Object(key).get(Range=f"bytes={first}-{first + length - 1}")["Body"]
    handle = storage.open(name, "rb")
    if first:
        handle.seek(first)
    return handle


def if_range_matches(if_range: str | None, etag: str | None, last_modified: datetime | None):
    """Whether a Range may be honoured under this If-Range (RFC 9110 13.1.5): absent, or
    the same strong entity tag, or exactly the file's Last-Modified date."""
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return etag is not None and not value.startswith("W/") and value == etag
    when = parse_http_date_safe(value)
    return when is not None and last_modified is not None and when == int(last_modified.timestamp())


def stream_file(
    field_file,
    *,
    size: int,
    content_type: str,
    filename: str,
    as_attachment: bool,
    range_header: str | None,
    head: bool = False,
    etag: str | None = None,
    last_modified: datetime | None = None,
    if_range: str | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """200 with the whole file, 206 with the asked range, or 416.

    `etag` (quoted, strong) and `last_modified` are sent as validators; a Range under an
    If-Range that matches neither is ignored (200, the whole file). A file missing from
    storage is a 404."""
    response: HttpResponse | StreamingHttpResponse
    if not if_range_matches(if_range, etag, last_modified):
        range_header = None
    try:
        byte_range = parse_range(range_header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "no-store"
        return response
    first, last = byte_range if byte_range else (0, size - 1)
    length = max(last - first + 1, 0)
    if head:
        response = HttpResponse(status=206 if byte_range else 200, content_type=content_type)
    else:
        try:
            handle = open_range(field_file.storage, field_file.name, first, length)
        except FileNotFoundError as error:
            raise Http404("The file is missing from storage.") from error
        response = StreamingHttpResponse(
            _Chunks(handle, length), status=206 if byte_range else 200, content_type=content_type
        )
    if byte_range:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "no-store"
    if etag:
        response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    disposition = content_disposition_header(as_attachment, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
