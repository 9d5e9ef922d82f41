import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import AccessEvent
from tests.factories import make_message

pytestmark = pytest.mark.django_db


def export_url(account, ext: str, query: str = "") -> str:
    return f"/a/{account.number}/messages/export.{ext}" + (f"?{query}" if query else "")


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_xlsx_holds_every_filtered_message_not_only_the_page(alice_client, account):
    for hours in range(55):
        make_message(account, subject="Problème de chauffe-eau", ago=timedelta(hours=hours + 1))
    make_message(account, subject="Fuite d'eau")
    response = alice_client.get(export_url(account, "xlsx", "q=probleme"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    header, *rows = xlsx_rows(response)
    assert header[:4] == ("Message ID", "Taken at", "Taken by", "Subject")
    assert len(rows) == 55
    assert {row[3] for row in rows} == {"Problème de chauffe-eau"}


def test_xlsx_row_has_local_time_fields_and_urgent(alice_client, account):
    message = make_message(
        account,
        urgent=True,
        fields=(("Prénom", "Marie"), ("Ville", "Montréal")),
        external_id="2598662",
    )
    _header, row = xlsx_rows(alice_client.get(export_url(account, "xlsx")))
    local = timezone.localtime(message.taken_at, account.tzinfo).replace(tzinfo=None, microsecond=0)
    assert row[0] == "2598662"
    assert abs((row[1] - local).total_seconds()) < 1
    assert row[2] == "A07" and row[4] == "Jean Tremblay" and row[5] == "(514) 555-0101"
    assert row[6] == "Yes"
    assert row[7] == "Prénom: Marie\nVille: Montréal"


def test_export_of_ticked_ids_only(alice_client, account):
    first, second, _third = (make_message(account) for _ in range(3))
    response = alice_client.get(export_url(account, "xlsx", f"ids={first.pk}&ids={second.pk}"))
    ids = {row[0] for row in xlsx_rows(response)[1:]}
    assert ids == {first.external_id, second.external_id}


def test_ticked_ids_of_another_account_are_never_exported(alice_client, account, other_account):
    mine = make_message(account)
    theirs = make_message(other_account, subject="Secret")
    response = alice_client.get(export_url(account, "csv", f"ids={mine.pk}&ids={theirs.pk}"))
    rows = csv_rows(response)
    assert [row[0] for row in rows[1:]] == [mine.external_id]
    assert "Secret" not in str(rows)


def test_ticked_ids_stay_within_the_filter(alice_client, account):
    urgent = make_message(account, urgent=True)
    calm = make_message(account, urgent=False)
    response = alice_client.get(
        export_url(account, "csv", f"urgent=1&ids={urgent.pk}&ids={calm.pk}")
    )
    assert [row[0] for row in csv_rows(response)[1:]] == [urgent.external_id]


def test_export_of_another_account_is_404(alice_client, other_account):
    assert alice_client.get(export_url(other_account, "xlsx")).status_code == 404


def test_export_role_billing_is_403(carol_client, account):
    assert carol_client.get(export_url(account, "csv")).status_code == 403


def test_export_with_a_bad_filter_goes_back_to_the_form(alice_client, account):
    response = alice_client.get(export_url(account, "xlsx", "from=2026-02-30"))
    assert response.status_code == 302
    assert "from=2026-02-30" in response["Location"]


def test_csv_is_streamed_with_fields(alice_client, account):
    make_message(account, subject="=cmd()", fields=(("Problème", "Eau brune"),))
    response = alice_client.get(export_url(account, "csv"))
    assert response.streaming
    header, row = csv_rows(response)
    assert header[0] == "Message ID"
    assert row[3] == "'=cmd()"  # a formula is neutralised
    assert row[7] == "Problème: Eau brune"


def follow_job(client, response, run_tasks):
    """From an export's redirect to its job page, run the worker, then download."""
    assert response.status_code == 302
    job_page = response["Location"]
    assert "/exports/" in job_page
    run_tasks()
    page = client.get(job_page)
    assert page.status_code == 200
    assert 'data-testid="export-download"' in page.content.decode()
    download = client.get(job_page + "download")
    assert download.status_code == 200
    return download


def test_pdf_is_made_by_the_worker_with_the_message_and_its_history(
    alice_client, account, run_tasks
):
    make_message(account, subject="Problème de chauffe-eau", external_id="2598662")
    response = alice_client.get(export_url(account, "pdf"))
    download = follow_job(alice_client, response, run_tasks)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    content = b"".join(download.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "2598662" in text and "Problème de chauffe-eau" in text
    assert "info@compagnie.ca" in text
    assert "1 message" in text


def test_pdf_has_no_cap_and_numbers_its_pages_across_chunks(
    alice_client, account, run_tasks, monkeypatch
):
    monkeypatch.setattr("messages_app.exports.PDF_CHUNK", 2)
    for hours in range(5):
        make_message(account, subject=f"Sujet {hours}", ago=timedelta(hours=hours + 1))
    response = alice_client.get(export_url(account, "pdf"))
    download = follow_job(alice_client, response, run_tasks)
    pages = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    text = "".join(page.extract_text() for page in pages)
    # Newest first, each message once, and the first page's heading only once.
    assert [text.index(f"Sujet {n}") for n in range(5)] == sorted(
        text.index(f"Sujet {n}") for n in range(5)
    )
    assert text.count("Plomberie Test inc.") == 1 and "5 messages" in text
    assert [page.extract_text().strip().splitlines()[-1] for page in pages] == [
        str(n) for n in range(1, len(pages) + 1)
    ]


def test_a_big_spreadsheet_is_made_by_the_worker(alice_client, account, run_tasks, monkeypatch):
    monkeypatch.setattr("messages_app.exports.INLINE_ROWS", 2)
    for hours in range(3):
        make_message(account, subject="Problème de chauffe-eau", ago=timedelta(hours=hours + 1))
    make_message(account, subject="Fuite d'eau")
    response = alice_client.get(export_url(account, "xlsx", "q=probleme"))
    download = follow_job(alice_client, response, run_tasks)
    assert download["Content-Disposition"].endswith('.xlsx"')
    header, *rows = xlsx_rows(download)
    assert header[0] == "Message ID" and len(rows) == 3
    response = alice_client.get(export_url(account, "csv", "q=probleme"))
    rows = csv_rows(follow_job(alice_client, response, run_tasks))
    assert [row[3] for row in rows[1:]] == ["Problème de chauffe-eau"] * 3


def test_a_big_export_keeps_the_ticked_ids_and_the_filter(
    alice_client, account, other_account, run_tasks, monkeypatch
):
    monkeypatch.setattr("messages_app.exports.INLINE_ROWS", 0)
    urgent, calm = make_message(account, urgent=True), make_message(account)
    theirs = make_message(other_account, urgent=True)
    response = alice_client.get(
        export_url(account, "csv", f"urgent=1&ids={urgent.pk}&ids={calm.pk}&ids={theirs.pk}")
    )
    rows = csv_rows(follow_job(alice_client, response, run_tasks))
    assert [row[0] for row in rows[1:]] == [urgent.external_id]


def test_the_job_page_leads_back_to_the_filtered_inbox(alice_client, account):
    make_message(account)
    response = alice_client.get(export_url(account, "pdf", "q=fuite&urgent=1"))
    page = alice_client.get(response["Location"]).content.decode()
    assert f'href="/a/{account.number}/messages/?q=fuite&amp;urgent=1"' in page
    description = page.split('data-testid="export-description">')[1].split("<")[0]
    assert description == "containing “fuite”, urgent only"  # in words


def test_the_pdf_says_its_filter_in_words_in_french(alice, account, run_tasks):
    from tests.conftest import signed_in

    alice.language = "fr"
    alice.save(update_fields=["language"])
    client = signed_in(alice)
    make_message(account, subject="Fuite", urgent=True)
    query = "from=2026-11-20&to=2026-11-25&urgent=1"
    download = follow_job(client, client.get(export_url(account, "pdf", query)), run_tasks)
    content = b"".join(download.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "du 20 au 25 novembre 2026, urgents seulement" in " ".join(text.split())
    assert "urgent=1" not in text and "from=" not in text


def test_every_export_is_in_the_access_log_with_its_filter(alice_client, account):
    make_message(account)
    alice_client.get(export_url(account, "csv", "q=fuite&urgent=1"))
    event = AccessEvent.objects.get(action="exported")
    assert event.account == account
    assert "containing “fuite”, urgent only" in event.detail
    assert "q=" not in event.detail and "urgent=1" not in event.detail


def test_email_report_sends_the_file_as_attachment(alice_client, account):
    make_message(account, subject="Problème de chauffe-eau")
    make_message(account, subject="Fuite d'eau")
    response = alice_client.post(
        f"/a/{account.number}/messages/email/?q=probleme",
        {"email": "boss@example.com", "format": "xlsx"},
    )
    assert response.status_code == 302 and "q=probleme" in response["Location"]
    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"]
    filename, content, mimetype = sent.attachments[0]
    assert filename.endswith(".xlsx")
    rows = list(
        load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    )
    assert [row[3] for row in rows[1:]] == ["Problème de chauffe-eau"]
    event = AccessEvent.objects.get(action="emailed")
    assert "boss@example.com" in event.detail and "containing “probleme”" in event.detail
    assert sent.subject.endswith("containing “probleme”")
    assert "q=probleme" not in sent.subject + sent.body + event.detail


def test_an_emailed_report_says_its_filter_in_words_in_french(alice, account):
    from tests.conftest import signed_in

    alice.language = "fr"
    alice.save(update_fields=["language"])
    make_message(account, subject="Fuite", urgent=True)
    signed_in(alice).post(
        f"/a/{account.number}/messages/email/?from=2026-11-20&to=2026-11-25&urgent=1",
        {"email": "boss@example.com", "format": "csv"},
    )
    (sent,) = mail.outbox
    assert "du 20 au 25 novembre 2026, urgents seulement" in sent.subject
    assert "du 20 au 25 novembre 2026, urgents seulement" in sent.body
    assert "urgent=1" not in sent.body and "from=" not in sent.body


def test_email_report_of_ticked_messages_as_csv(alice_client, account):
    first = make_message(account)
    make_message(account)
    alice_client.post(
        f"/a/{account.number}/messages/email/",
        {"email": "boss@example.com", "format": "csv", "ids": [first.pk]},
    )
    _filename, content, _mimetype = mail.outbox[0].attachments[0]
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    assert [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]] == [first.external_id]


def test_email_report_needs_post_and_membership(alice_client, account, other_account):
    assert alice_client.get(f"/a/{account.number}/messages/email/").status_code == 405
    response = alice_client.post(
        f"/a/{other_account.number}/messages/email/",
        {"email": "boss@example.com", "format": "xlsx"},
    )
    assert response.status_code == 404 and not mail.outbox


def test_export_query_count_does_not_grow_with_rows(
    alice_client, account, django_assert_max_num_queries
):
    for hours in range(3):
        make_message(account, ago=timedelta(hours=hours + 1))
    with django_assert_max_num_queries(15) as few:
        assert alice_client.get(export_url(account, "xlsx")).status_code == 200
    for hours in range(30):
        make_message(account, ago=timedelta(hours=hours + 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert alice_client.get(export_url(account, "xlsx")).status_code == 200


def test_pdf_job_query_count_grows_by_chunk_not_by_row(
    alice_client, account, run_tasks, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("jobs.exports.PROGRESS_EVERY", 0)  # every progress report is saved
    for hours in range(3):
        make_message(account, ago=timedelta(hours=hours + 1))
    with django_assert_max_num_queries(15):
        assert alice_client.get(export_url(account, "pdf")).status_code == 302
    with django_assert_max_num_queries(40) as few:
        assert run_tasks() == 1
    bound = len(few.captured_queries)
    for hours in range(30):
        make_message(account, ago=timedelta(hours=hours + 10))
    alice_client.get(export_url(account, "pdf"))
    with django_assert_max_num_queries(bound):
        assert run_tasks() == 1


def test_an_emailed_pdf_past_the_limit_is_refused_with_a_message(
    alice_client, account, monkeypatch
):
    monkeypatch.setattr("messages_app.views.PDF_LIMIT", 2)
    for _ in range(3):
        make_message(account)
    response = alice_client.post(
        f"/a/{account.number}/messages/email/", {"email": "boss@example.com", "format": "pdf"}
    )
    assert "format" in response.context["email_form"].errors and not mail.outbox
    assert not AccessEvent.objects.filter(action__in=["exported", "emailed"]).exists()


def test_an_emailed_pdf_is_attached(alice_client, account):
    make_message(account, external_id="2598662")
    alice_client.post(
        f"/a/{account.number}/messages/email/", {"email": "boss@example.com", "format": "pdf"}
    )
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert filename.endswith(".pdf") and mimetype == "application/pdf"
    assert "2598662" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_pdf_chunks_start_small_so_the_progress_bar_moves_early(monkeypatch):
    from messages_app.exports import _growing_chunks

    sizes = [len(chunk) for chunk in _growing_chunks(list(range(1000)))]
    assert sizes == [50, 100, 200, 250, 250, 150]
    assert [len(chunk) for chunk in _growing_chunks(list(range(120)))] == [50, 70]
    monkeypatch.setattr("messages_app.exports.PDF_CHUNK", 2)
    assert [len(chunk) for chunk in _growing_chunks(list(range(7)))] == [2, 2, 2, 1]
