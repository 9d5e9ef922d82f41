"""An export job's page (progress, then the file) and the file's download.

Only the user who asked sees either: another user, even of the same account, gets
404, exactly as for a job that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from accounts.access import log_access
from accounts.tenancy import AccountRequest, account_view
from jobs.exports import ExportKind, kinds
from jobs.models import ExportJob
from portal.streaming import Unsatisfiable, parse_range

CHUNK = 64 * 1024


def _job(request: AccountRequest, job_id: UUID) -> tuple[ExportJob, ExportKind]:
    job = get_object_or_404(ExportJob.objects.for_owner(request.account, request.user), pk=job_id)
    kind = kinds().get(job.kind)
    if kind is None:
        raise Http404("Unknown export kind")
    if not request.membership.may(kind.permission):
        raise PermissionDenied
    return job, kind


@account_view("home")
@require_safe
def export_page(request: AccountRequest, job_id: UUID) -> HttpResponse:
    job, kind = _job(request, job_id)
    context = {
        "job": job,
        "kind": kind,
        "back_url": job.back_url or reverse("home", args=[request.account.number]),
        "retention_hours": settings.EXPORT_RETENTION_HOURS,
    }
    template = "jobs/export.html#status" if request.htmx else "jobs/export.html"
    return render(request, template, context)


@account_view("home")
@require_safe
def download(request: AccountRequest, job_id: UUID) -> HttpResponse | StreamingHttpResponse:
    job, _kind = _job(request, job_id)
    if not job.downloadable:
        raise Http404("Not ready, expired or sent by e-mail")
    size = job.size if job.size is not None else job.file.size
    response: HttpResponse | StreamingHttpResponse
    try:
        byte_range = parse_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = byte_range if byte_range else (0, size - 1)
    if request.method == "HEAD":
        response = HttpResponse(status=206 if byte_range else 200, content_type=job.content_type)
    else:
        if not byte_range:
            log_access(request, "downloaded", job, detail=job.filename)
        response = StreamingHttpResponse(
            _read(job.file.storage, job.file.name or "", first, last),
            status=206 if byte_range else 200,
            content_type=job.content_type,
        )
    if byte_range:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(max(last - first + 1, 0))
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(True, job.filename)
    return response


def _read(storage, name: str, first: int, last: int) -> Iterator[bytes]:
    """Bytes first..last of a stored file, a chunk at a time.

    From an S3 bucket, one ranged GET streamed as it arrives (django-storages' own file
    object would first copy the whole file); from anything else, the storage API.
    """
    if last < first:
        return
    bucket = getattr(storage, "bucket", None)
    if bucket is not None and hasattr(storage, "_normalize_name"):
        from storages.utils import clean_name

        key = storage._normalize_name(clean_name(name))
        body = bucket.Object(key).get(Range=f"bytes={first}-{last}")["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()
        return
    remaining = last - first + 1
    with storage.open(name, "rb") as handle:
        if first:
            handle.seek(first)
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
