"""The shared export writers."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.exports import render_pdf, static_url_fetcher, stream_csv, write_xlsx
from tests.factories import make_invoice


def test_pdf_reads_our_stylesheets_and_nothing_else(tmp_path, settings):
    fetcher = static_url_fetcher()
    response = fetcher.fetch("/static/css/portal.css")
    assert b"--portal-brand" in response.read()
    for url in ("http://example.com/x.css", "file:///etc/passwd", "/static/../../etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.django_db
def test_render_pdf_with_a_linked_stylesheet(tmp_path, settings):
    template = tmp_path / "pdf.html"
    template.write_text(
        '<html><head><link rel="stylesheet" href="/static/css/portal.css"></head>'
        "<body><h1>Problème réglé</h1></body></html>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    export = render_pdf("pdf.html", {}, "x.pdf")
    text = PdfReader(io.BytesIO(export.read())).pages[0].extract_text()
    assert "Problème réglé" in text


def test_csv_streams_rows_and_defuses_formulas():
    response = stream_csv(["A", "B"], iter([["=1+1", 3], ["-5", "ok"]]), "x.csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffA,B")
    assert "'=1+1,3" in body
    assert "-5,ok" in body
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_xlsx_is_written_in_write_only_mode_and_reads_back():
    export = write_xlsx([("Sheet", ["Name", "N"], iter([["a", 1], ["b", 2]]))], "x.xlsx")
    sheet = load_workbook(io.BytesIO(export.read())).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Name", "N"],
        ["a", 1],
        ["b", 2],
    ]


def test_the_fetcher_finds_collected_files_under_their_hashed_names(tmp_path, settings):
    """In production `{% static %}` names the collected, hashed copy: the PDF still finds it."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf.0123abcd.css").write_text("body { color: #222; }")

    response = static_url_fetcher().fetch("/static/css/pdf.0123abcd.css")

    assert response.read() == b"body { color: #222; }"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/a/5201/messages/export.pdf",
        "/a/5201/stats/export.pdf",
        "/a/5201/billing/invoices/{invoice}/invoice.pdf",
    ],
)
def test_every_pdf_is_drawn_with_the_base_stylesheet(
    alice_client, account, monkeypatch, run_tasks, path
):
    from portal import exports

    fetched = []
    read = exports._static_file
    monkeypatch.setattr(exports, "_static_file", lambda name: fetched.append(name) or read(name))
    invoice = make_invoice(account.billing_account)

    response = alice_client.get(path.format(invoice=invoice.pk))
    if response.status_code == 302:  # made by the worker (the messages): its download
        run_tasks()
        response = alice_client.get(response["Location"] + "download")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert fetched == ["css/pdf.css"]


def test_an_xlsx_download_leaves_no_temporary_file_behind():
    export = write_xlsx([("Sheet", ["Name"], iter([["a"]]))], "x.xlsx")
    assert export.path is not None and export.path.exists()

    response = export.response()

    assert not export.path.exists()
    content = b"".join(response.streaming_content)
    response.file_to_stream.close()  # what the server's close() does, without its signal
    assert load_workbook(io.BytesIO(content)).active["A2"].value == "a"
