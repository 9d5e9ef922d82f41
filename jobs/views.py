"""An export job's page (progress, then the file) and the file's download.

Only the user who asked sees either: another user, even of the same account, gets
404, exactly as for a job that does not exist.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.access import log_access
from accounts.tenancy import AccountRequest, account_view
from jobs.exports import ExportKind, kinds
from jobs.models import ExportJob
from portal.streaming import stream_file


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
def download(request: AccountRequest, job_id: UUID) -> HttpResponseBase:
    """The file, streamed with Range support by the same code as the recordings."""
    job, _kind = _job(request, job_id)
    if not job.downloadable:
        raise Http404("Not ready, expired or sent by e-mail")
    range_header = request.headers.get("Range")
    if request.method == "GET" and not range_header:
        log_access(request, "downloaded", job, detail=job.filename)
    return stream_file(
        job.file,
        size=job.size if job.size is not None else job.file.size,
        content_type=job.content_type,
        filename=job.filename,
        as_attachment=True,
        range_header=range_header,
        head=request.method == "HEAD",
    )
