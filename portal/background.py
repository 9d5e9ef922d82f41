"""Long exports off the request: which export waits for the worker, and the kinds it makes.

ONE rule decides whether a download is answered at once or made by the background
worker (docs/operations.md, "Worker jobs"): `offer_export`. It counts at most what the
threshold needs (`EXPORT_INLINE_ROWS` spreadsheet rows, a PDF row weighing
`ROW_COST["pdf"]` of them, measured on the reference machine to keep a direct answer
under about 2 seconds), then either calls the view's `direct()` (the small file, made
and streamed at once) or hands the request to the worker (a job whose page shows a
progress bar, then the download).

The worker itself lives in jobs/, above every section but accounts/: jobs registers
its `start_export` here in its AppConfig.ready() (`register_starter`), so any section,
accounts' access log included, reaches it through this module. Likewise each app
declares what the worker can build in its own exports.py with `register` (jobs
autodiscovers them), whatever its place in the package order.

    @register("messages.pdf", permission="messages", label=_("Messages (PDF)"))
    def messages_pdf(run) -> ExportFile:
        ...  # run: a jobs.exports.ExportRun (account, user, params, query(), progress())
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import Promise

# What one row of each format costs, in rows of a spreadsheet. Measured on the project's
# shared 2-core machine under load: 10,000 messages as XLSX 0.8 s, as CSV 0.75 s (the
# calls' XLSX, the slowest, about 5,500 rows a second); the messages PDF with WeasyPrint
# 22 ms a message when the machine is quiet, up to 70 ms when it is busy. So a PDF
# message weighs 250 spreadsheet rows: at the default 10,000, a PDF of up to 40
# messages (1 to 2.8 s) is answered at once.
ROW_COST = {"xlsx": 1, "csv": 1, "pdf": 250}


@dataclass(frozen=True)
class ExportKind:
    key: str
    permission: str  # the section permission a role needs (accounts/roles.py)
    label: str | Promise
    build: Callable[[Any], Any]  # build(run: jobs.exports.ExportRun) -> ExportFile


_kinds: dict[str, ExportKind] = {}
_starter: list[Callable[..., HttpResponseBase]] = []


def register(key: str, *, permission: str, label: str | Promise) -> Callable:
    """Declare an export kind the worker can make; decorates its build function(run)."""

    def decorate(build: Callable) -> Callable:
        _kinds[key] = ExportKind(key=key, permission=permission, label=label, build=build)
        return build

    return decorate


def get_kind(key: str) -> ExportKind:
    return _kinds[key]


def kinds() -> dict[str, ExportKind]:
    return dict(_kinds)


def register_starter(starter: Callable[..., HttpResponseBase]) -> None:
    """jobs' start_export(request, kind, params, *, description, email_to, back_url)."""
    _starter[:] = [starter]


def start_background(request: HttpRequest, kind: str, params: dict, **options) -> HttpResponseBase:
    """Start an export on the worker and answer with the redirect to its page."""
    if not _starter:
        raise RuntimeError("No background worker registered (is 'jobs' installed?)")
    return _starter[0](request, kind, params, **options)


def inline_limit(fmt: str) -> int:
    """The most rows of `fmt` answered in the request (more: the worker makes the file)."""
    return settings.EXPORT_INLINE_ROWS // ROW_COST.get(fmt, 1)


def too_big_to_wait(rows: QuerySet | int, fmt: str) -> bool:
    """True when an export of `rows` (a count, or the queryset to export) in `fmt` may
    take over about 2 seconds. A queryset is counted only up to the limit, so a huge
    selection costs no more to judge than a small one."""
    limit = inline_limit(fmt)
    if isinstance(rows, int):
        return rows > limit
    return rows[: limit + 1].count() > limit


def offer_export(
    request: HttpRequest,
    rows: QuerySet | int,
    fmt: str,
    *,
    direct: Callable[[], HttpResponseBase],
    kind: str,
    params: dict,
    description: str = "",
    back_url: str = "",
) -> HttpResponseBase:
    """The one answer to an export's download: `direct()` for a small one, else a job.

    `kind` and `params` tell the worker what to build (see jobs.exports.start_export);
    `description` is the selection in words, `back_url` where the job page's "Back" leads.
    """
    if not too_big_to_wait(rows, fmt):
        return direct()
    return start_background(request, kind, params, description=description, back_url=back_url)
