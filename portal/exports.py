"""Shared export writers: CSV (streamed), XLSX (streamed, portal/xlsx.py), PDF (WeasyPrint),
and the "Email report" form and sender. Each app's exports.py builds its rows from an
already-scoped queryset and hands them to these.
"""

from __future__ import annotations

import csv
import mimetypes
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.mail import EmailMessage
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"
CSV_CHUNK_ROWS = 500


@dataclass
class ExportFile:
    """A finished export held in memory or a temporary file, ready to send or attach."""

    filename: str
    content_type: str
    path: Path | None = None
    content: bytes | None = None

    def read(self) -> bytes:
        return self.content if self.content is not None else self.path.read_bytes()

    def response(self) -> HttpResponse:
        if self.content is not None:
            response = HttpResponse(self.content, content_type=self.content_type)
            response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
            return response
        return FileResponse(
            self.path.open("rb"),
            as_attachment=True,
            filename=self.filename,
            content_type=self.content_type,
        )


def export_filename(account, kind: str, extension: str, when: datetime | None = None) -> str:
    """e.g. 5201-messages-2026-03-22.xlsx: says whose, what and when."""
    from django.utils import timezone

    stamp = timezone.localtime(when or timezone.now(), account.tzinfo).strftime("%Y-%m-%d")
    return f"{account.number}-{slugify(kind)}-{stamp}.{extension}"


def _cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: values are pre-localised
    if value is None or isinstance(value, (int, float, Decimal, date, str)):
        return value
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(header: Sequence, rows: Iterable[Sequence], filename: str) -> StreamingHttpResponse:
    """A CSV download written row by row as the queryset is read (UTF-8 with BOM for Excel)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([str(h) for h in header])
        # Rows go out a few hundred at a time: one write per row was most of a big
        # export's time (a socket write and a response chunk each).
        chunk = []
        for row in rows:
            chunk.append(writer.writerow(["" if v is None else _csv_text(v) for v in row]))
            if len(chunk) >= CSV_CHUNK_ROWS:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_text(value) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it.
    if text[:1] in ("=", "+", "-", "@") and not _looks_numeric(text):
        return "'" + text
    return text


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_xlsx(
    sheets: Sequence[tuple[str, Sequence, Iterable[Sequence]]],
    filename: str,
    column_widths: dict[int, float] | None = None,
) -> ExportFile:
    """Write one or more sheets (title, header, rows) with the streaming writer of
    portal/xlsx.py (bold header, dates and times formatted).

    Rows are consumed lazily, so memory stays flat whatever the number of rows.
    """
    from portal import xlsx

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    cleaned = [
        (title, header, ([_xlsx_value(v) for v in row] for row in rows))
        for title, header, rows in sheets
    ]
    xlsx.write(Path(handle.name), cleaned, column_widths)
    return ExportFile(filename=filename, content_type=XLSX_TYPE, path=Path(handle.name))


def _xlsx_value(value):
    value = _cell(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _looks_numeric(value):
        return "'" + value
    return value


def static_url_fetcher():
    """A WeasyPrint fetcher that reads our own static files and data: URLs, nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            for start in (settings.STATIC_URL, "file://" + settings.STATIC_URL):
                if url.startswith(start):
                    try:
                        found = finders.find(url[len(start) :].split("?")[0])
                    except SuspiciousFileOperation as error:
                        raise ValueError(f"Refused to fetch {url!r}") from error
                    if found:
                        mime, _encoding = mimetypes.guess_type(found)
                        body = Path(found).read_bytes()
                        return URLFetcherResponse(url, body, {"Content-Type": mime or ""})
            raise ValueError(f"Refused to fetch {url!r} while rendering a PDF")

    return StaticOnlyFetcher()


def render_pdf(
    template: str, context: dict, filename: str, request: HttpRequest | None = None
) -> ExportFile:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url="/", url_fetcher=static_url_fetcher()).write_pdf()
    return ExportFile(filename=filename, content_type=PDF_TYPE, content=pdf)


class EmailReportForm(forms.Form):
    email = forms.EmailField(
        label=_("Send to"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.com"}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel"), ("csv", "CSV"), ("pdf", "PDF")],
        initial="xlsx",
    )


def send_report(to: str, subject: str, body: str, export: ExportFile) -> None:
    message = EmailMessage(subject=subject, body=body, to=[to])
    message.attach(export.filename, export.read(), export.content_type.split(";")[0])
    message.send()
