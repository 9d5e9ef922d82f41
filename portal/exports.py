"""Shared export writers: CSV (streamed), XLSX (streamed, portal/xlsx.py), PDF (WeasyPrint).
Each app's exports.py builds its rows from an already-scoped queryset and hands them to
these; portal/reports.py e-mails the files they write.
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

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.template.loader import render_to_string
from django.utils.text import slugify

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
        if self.content is not None:
            return self.content
        return self._path().read_bytes()

    def response(self) -> HttpResponseBase:
        if self.content is not None:
            response = HttpResponse(self.content, content_type=self.content_type)
            response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
            return response
        handle = self._path().open("rb")
        self.discard()  # the open handle still reads it; the name goes now, nothing is left
        return FileResponse(
            handle, as_attachment=True, filename=self.filename, content_type=self.content_type
        )

    def discard(self) -> None:
        """Remove the temporary file, if the export has one."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def _path(self) -> Path:
        if self.path is None:
            raise ValueError(f"{self.filename} holds neither content nor a file.")
        return self.path


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
    return neutralise(text)


# What a spreadsheet may read as the start of a formula (= + - @), or strips before
# reading one (a tab, a carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The one rule for every cell of every CSV and XLSX export: a text a spreadsheet
    could run as a formula gets a leading apostrophe (a plain number, such as -5, stays
    a number)."""
    first = text[:1]
    if first in FORMULA_STARTS and (first in ("\t", "\r") or not _looks_numeric(text)):
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
    return neutralise(value) if isinstance(value, str) else value


def static_url_fetcher():
    """A WeasyPrint fetcher that reads our own static files and data: URLs, nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            for start in (settings.STATIC_URL, "file://" + settings.STATIC_URL):
                if url.startswith(start):
                    name = url[len(start) :].split("?")[0]
                    try:
                        body = _static_file(name)
                    except SuspiciousFileOperation as error:
                        raise ValueError(f"Refused to fetch {url!r}") from error
                    if body is not None:
                        mime, _encoding = mimetypes.guess_type(name)
                        return URLFetcherResponse(url, body, {"Content-Type": mime or ""})
            raise ValueError(f"Refused to fetch {url!r} while rendering a PDF")

    return StaticOnlyFetcher()


def _static_file(name: str) -> bytes | None:
    """A static file's bytes: from the app folders (development), or as collected, under
    the hashed name `{% static %}` gives in production."""
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    return None


def render_pdf(
    template: str, context: dict, filename: str, request: HttpRequest | None = None
) -> ExportFile:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url="/", url_fetcher=static_url_fetcher()).write_pdf()
    return ExportFile(filename=filename, content_type=PDF_TYPE, content=pdf)


def csv_file(header: Sequence, rows: Iterable[Sequence], filename: str) -> ExportFile:
    """The same CSV as `stream_csv`'s download, held in memory (to attach to an e-mail)."""
    content = stream_csv(header, rows, filename).getvalue()
    return ExportFile(filename=filename, content_type=CSV_TYPE, content=content)
