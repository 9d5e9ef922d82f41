"""Exports made by the worker: the kinds each app declares, and the one way to start one.

An app declares what it can export in its own exports.py (found at start-up), with the
registry of portal/background.py (re-exported here for the apps above jobs):

    from jobs.exports import ExportRun, register

    @register("messages.pdf", permission="messages", label=_("Messages (PDF)"))
    def messages_pdf(run: ExportRun) -> ExportFile:
        selected = ...  # re-read from run.params, scoped to run.account and run.user
        run.progress(0, total)
        ...
        return ExportFile(filename=..., content_type=..., path=...)

and a view hands the request over with portal.background.offer_export (which calls
`start_export` when the export is too big to wait for; see its docstring). The build
function runs on the worker, in the language the user had when asking, and returns a
portal.exports.ExportFile (a file in `run.work_dir` for anything big); the worker stores
it in STORAGES["exports"] for EXPORT_RETENTION_HOURS, or e-mails it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.utils import timezone, translation

from jobs.models import ExportJob
from portal.background import ExportKind, get_kind, kinds, register
from portal.exports import CSV_TYPE, ExportFile, stream_csv

__all__ = [
    "ExportKind",
    "ExportRun",
    "get_kind",
    "kinds",
    "params_from_query",
    "register",
    "start_export",
]


# Seconds between two saves of an export's progress (the page polls every second).
PROGRESS_EVERY = 0.5


@dataclass
class ExportRun:
    """What a build function gets: the job (re-read by the worker) and its helpers."""

    job: ExportJob
    work_dir: Path
    _last_saved: float = field(default=0.0, repr=False)

    @property
    def account(self):
        return self.job.account

    @property
    def user(self):
        return self.job.owner

    @property
    def params(self) -> dict:
        return self.job.params

    def query(self) -> QueryDict:
        """The parameters as a QueryDict (each value a list), e.g. for a filter form."""
        query = QueryDict(mutable=True)
        for name, values in self.params.items():
            listed = values if isinstance(values, list) else [values]
            query.setlist(name, [str(value) for value in listed])
        return query

    def progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        """Record how far the export is (saved at most twice a second)."""
        now = time.monotonic()
        self.job.done = done
        if total is not None:
            self.job.total = total
        if force or now - self._last_saved >= PROGRESS_EVERY:
            ExportJob.objects.filter(pk=self.job.pk).update(
                done=done, total=self.job.total, heartbeat_at=timezone.now()
            )
            self._last_saved = now

    def counted(self, rows: Iterable, total: int) -> Iterator:
        """`rows` as they are written, the progress moving every 500."""
        self.progress(0, total, force=True)
        for done, row in enumerate(rows, start=1):
            yield row
            if done % 500 == 0:
                self.progress(done)
        self.progress(total, force=True)

    def write_csv(self, header: Sequence, rows: Iterable, filename: str) -> ExportFile:
        """The same CSV as the streamed download, written to a file in `work_dir`."""
        path = self.work_dir / filename
        with path.open("wb") as out:
            for chunk in stream_csv(header, rows, filename):
                out.write(chunk)
        return ExportFile(filename=filename, content_type=CSV_TYPE, path=path)


def params_from_query(query: QueryDict, names) -> dict[str, list[str]]:
    """The named parameters of a query string, kept as lists (ids=1&ids=2)."""
    return {name: query.getlist(name) for name in names if query.getlist(name)}


def start_export(
    request,
    kind: str,
    params: dict,
    *,
    description: str = "",
    email_to: str = "",
    back_url: str = "",
) -> HttpResponseRedirect:
    """Start an export on the worker and send the user to its page.

    - `request` is an account view's request (request.account, request.user).
    - `kind` is a key declared with @register, e.g. "messages.pdf"; the user's role
      must allow the kind's permission (the view's own check normally covers it).
    - `params` is JSON data the build function reads back (e.g. the filter's query
      parameters as lists: params_from_query(request.GET, names)); never objects.
    - `description` says in words what is exported (shown on the job page, in the
      e-mail); `back_url` is where "Back" leads (default: the account's home page).
    - `email_to`: when given, the finished file is e-mailed there instead of being
      offered for download, and the page says "sent".

    Returns the redirect to /a/<number>/exports/<job>/, where a progress bar follows
    the job and the file is then offered to this user only (for 24 hours).
    """
    from jobs.tasks import run_export

    export_kind = get_kind(kind)
    if not request.membership.may(export_kind.permission):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.create(
            account=request.account,
            owner=request.user,
            kind=kind,
            params=params,
            description=description[:500],
            language=translation.get_language() or "en",
            delivery=ExportJob.Delivery.EMAIL if email_to else ExportJob.Delivery.DOWNLOAD,
            email_to=email_to,
            back_url=back_url if back_url.startswith(f"/a/{request.account.number}/") else "",
            expires_at=timezone.now() + ExportJob.lifetime(),
        )
        run_export.enqueue(str(job.pk))
    return redirect("jobs:export", request.account.number, job.pk)
