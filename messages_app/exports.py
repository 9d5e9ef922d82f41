"""The inbox's downloads: the selected messages as Excel, CSV or PDF (via portal/exports.py).

Small spreadsheets are answered in the request; PDFs, and spreadsheets of more than
INLINE_ROWS messages, are made by the worker (the job kinds at the end of this file).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from itertools import batched
from pathlib import Path
from typing import IO, Any

from django.db.models import Prefetch
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Account, User
from jobs.exports import ExportRun, register
from jobs.pdf import render_pdf_in_chunks
from messages_app.forms import InboxFilterForm
from messages_app.models import Message, MessageEvent, MessageQuerySet
from portal.exports import CSV_TYPE, PDF_TYPE, ExportFile, export_filename, stream_csv, write_xlsx
from portal.exports import csv_file as write_csv_file

FORMATS = ("xlsx", "csv", "pdf")
CHUNK = 2000
# Messages per WeasyPrint document: memory stays flat whatever the selection's size. The
# first documents are smaller, so the progress bar moves early even for a small inbox.
PDF_CHUNK = 250
PDF_FIRST_CHUNKS = (50, 100, 200)
# Above this many messages a spreadsheet takes over about 2 seconds: the worker makes it.
INLINE_ROWS = 10_000
# The inbox filter's parameters: kept in the page's links and read back by the worker.
FILTER_NAMES = ("from", "to", "q", "urgent", "unread", "unacknowledged")
MAX_IDS = 1000
COLUMN_WIDTHS: dict[int, float] = {0: 12, 1: 20, 3: 40, 4: 24, 5: 18, 7: 60, 8: 20, 9: 24}


def ticked(*queries: QueryDict) -> list[int]:
    """The `ids` the user ticked (repeated parameter); anything not a number is ignored."""
    ids: list[int] = []
    for query in queries:
        ids += [int(value) for value in query.getlist("ids") if value.isdigit() and len(value) < 19]
    return ids[:MAX_IDS]


def selection(
    account: Account, user: User, query: QueryDict, *more: QueryDict
) -> tuple[InboxFilterForm, MessageQuerySet, str]:
    """The filter form bound to `query`, the messages it (and the ticked ids) selects
    (none when the filter is invalid), and the selection in words for the access log."""
    form = InboxFilterForm(query, account=account)
    if not form.is_valid():
        return form, Message.objects.none(), ""
    selected = form.apply(Message.objects.for_account(account), user)
    ids = ticked(query, *more)
    if ids:
        selected = selected.filter(pk__in=ids)
    detail = form.describe() or _("all messages")
    if ids:
        detail += ", " + ngettext(
            "only the %(count)d message ticked", "only the %(count)d messages ticked", len(ids)
        ) % {"count": len(ids)}
    return form, selected, detail


def job_params(*queries: QueryDict) -> dict[str, list[str]]:
    """The filter and the ticked ids, as the worker will read them back."""
    params: dict[str, list[str]] = {}
    for query in queries:
        for name in (*FILTER_NAMES, "ids"):
            params.setdefault(name, [])
            params[name] += query.getlist(name)
    return {name: values for name, values in params.items() if values}


def header() -> list[str]:
    return [
        _("Message ID"),
        _("Taken at"),
        _("Taken by"),
        _("Subject"),
        _("Caller name"),
        _("Caller number"),
        _("Urgent"),
        _("Fields"),
        _("Acknowledged at"),
        _("Acknowledged by"),
    ]


def fields_text(fields: list | None) -> str:
    return "\n".join(f"{f.get('label', '')}: {f.get('value', '')}" for f in fields or [])


COLUMNS = (
    "external_id",
    "taken_at",
    "taken_by",
    "subject",
    "caller_name",
    "caller_number",
    "urgent",
    "fields",
    "acknowledged_at",
    "acknowledged_by",
)


def rows(messages: MessageQuerySet, account: Account) -> Iterator[list]:
    """The rows, read as plain values (no model instance per message: 25,000 of those
    were a good part of an export's time)."""
    tz = account.tzinfo
    yes, no = _("Yes"), _("No")
    selected = messages.values_list(*COLUMNS).iterator(chunk_size=CHUNK)
    for row in selected:
        external_id, taken_at, taken_by, subject, name, number, urgent, fields, acked, by = row
        yield [
            external_id,
            timezone.localtime(taken_at, tz),
            taken_by,
            subject,
            name,
            number,
            yes if urgent else no,
            fields_text(fields),
            timezone.localtime(acked, tz) if acked else None,
            by,
        ]


def xlsx(messages: MessageQuerySet, account: Account) -> ExportFile:
    return write_xlsx(
        [(_("Messages"), header(), rows(messages, account))],
        export_filename(account, "messages", "xlsx"),
        column_widths=COLUMN_WIDTHS,
    )


def csv_response(messages: MessageQuerySet, account: Account) -> StreamingHttpResponse:
    return stream_csv(
        header(), rows(messages, account), export_filename(account, "messages", "csv")
    )


def csv_file(messages: MessageQuerySet, account: Account) -> ExportFile:
    """The same CSV as the download, held in memory to attach to an e-mail."""
    return write_csv_file(
        header(), rows(messages, account), export_filename(account, "messages", "csv")
    )


def write_pdf(
    messages: MessageQuerySet,
    account: Account,
    description: str,
    out: IO[bytes],
    work_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The selected messages with their history as one PDF, written to `out`.

    Rendered PDF_CHUNK messages at a time and joined as it goes (jobs/pdf.py), so
    25,000 messages take no more memory than 250. Returns the page count.
    """
    ids = list(messages.values_list("pk", flat=True))
    total = len(ids)
    now = timezone.now()
    done = 0
    if progress:
        progress(0, total)

    def chunk_messages(chunk_ids: tuple[int, ...]) -> list[Message]:
        rows = messages.filter(pk__in=chunk_ids).prefetch_related(
            Prefetch("events", queryset=MessageEvent.objects.order_by("at", "pk"))
        )
        by_id = {message.pk: message for message in rows}
        return [by_id[pk] for pk in chunk_ids if pk in by_id]

    def render(chunk_ids: tuple[int, ...], first_page: int) -> str:
        context: dict[str, Any] = {
            "account": account,
            "messages": chunk_messages(chunk_ids),
            "description": description,
            "now": now,
            "total": total,
            "first_page": first_page,
        }
        return render_to_string("messages_app/export_pdf.html", context)

    def after(chunk_ids: tuple[int, ...]) -> None:
        nonlocal done
        done += len(chunk_ids)
        if progress:
            progress(done, total)

    chunks = list(_growing_chunks(ids)) or [()]
    title = _("Messages") + f" · {account.name} ({account.number})"
    return render_pdf_in_chunks(chunks, render, out, work_dir, title=title, after_chunk=after)


def _growing_chunks(ids: list[int]) -> Iterator[tuple[int, ...]]:
    start = 0
    for size in PDF_FIRST_CHUNKS:
        size = min(size, PDF_CHUNK)
        if start < len(ids):
            yield tuple(ids[start : start + size])
        start += size
    yield from batched(ids[start:], PDF_CHUNK)


def pdf(
    messages: MessageQuerySet, account: Account, request: HttpRequest, description: str
) -> ExportFile:
    """The PDF made in the request (the e-mailed report), in a temporary file."""
    handle = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)  # noqa: SIM115
    with handle, tempfile.TemporaryDirectory() as work:
        write_pdf(messages, account, description, handle, Path(work))
    return ExportFile(
        filename=export_filename(account, "messages", "pdf"),
        content_type=PDF_TYPE,
        path=Path(handle.name),
    )


def export_file(
    fmt: str, messages: MessageQuerySet, account: Account, request: HttpRequest, description: str
) -> ExportFile:
    if fmt == "csv":
        return csv_file(messages, account)
    if fmt == "pdf":
        return pdf(messages, account, request, description)
    return xlsx(messages, account)


# --- Made by the worker (jobs.exports) -----------------------------------------------


def _selected(run: ExportRun) -> tuple[MessageQuerySet, str]:
    _form, selected, detail = selection(run.account, run.user, run.query())
    return selected, run.job.description or detail


def _counted(rows: Iterator[list], run: ExportRun, total: int) -> Iterator[list]:
    run.progress(0, total, force=True)
    for done, row in enumerate(rows, start=1):
        yield row
        if done % 500 == 0:
            run.progress(done)
    run.progress(total, force=True)


@register("messages.pdf", permission="messages", label=gettext_lazy("Messages (PDF)"))
def pdf_job(run: ExportRun) -> ExportFile:
    selected, description = _selected(run)
    path = run.work_dir / "messages.pdf"
    with path.open("wb") as out:
        write_pdf(selected, run.account, description, out, run.work_dir, run.progress)
    return ExportFile(
        filename=export_filename(run.account, "messages", "pdf"), content_type=PDF_TYPE, path=path
    )


@register("messages.xlsx", permission="messages", label=gettext_lazy("Messages (Excel)"))
def xlsx_job(run: ExportRun) -> ExportFile:
    selected, _description = _selected(run)
    total = selected.count()
    return write_xlsx(
        [(_("Messages"), header(), _counted(rows(selected, run.account), run, total))],
        export_filename(run.account, "messages", "xlsx"),
        column_widths=COLUMN_WIDTHS,
    )


@register("messages.csv", permission="messages", label=gettext_lazy("Messages (CSV)"))
def csv_job(run: ExportRun) -> ExportFile:
    selected, _description = _selected(run)
    total = selected.count()
    filename = export_filename(run.account, "messages", "csv")
    path = run.work_dir / "messages.csv"
    response = stream_csv(header(), _counted(rows(selected, run.account), run, total), filename)
    with path.open("wb") as out:
        for chunk in response:
            out.write(chunk)
    return ExportFile(filename=filename, content_type=CSV_TYPE, path=path)
