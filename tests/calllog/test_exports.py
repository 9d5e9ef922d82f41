import csv
import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from accounts.models import AccessEvent
from tests.factories import make_call, make_recorded_call

pytestmark = pytest.mark.django_db


def export_url(account, ext: str, query: str = "") -> str:
    return f"/a/{account.number}/calls/export.{ext}{query}"


@pytest.fixture
def calls(account, other_account):
    make_recorded_call(account, external_id="A1", agent="CL2", caller_number="514-555-0142")
    make_call(account, external_id="A2", agent="SY1", caller_number="450-555-0121")
    make_call(account, external_id="A3", agent="CL2", caller_number="=HYPERLINK()")
    make_call(other_account, external_id="THEIRS", agent="CL2")


def xlsx_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_holds_every_filtered_call_and_no_other(alice_client, account, calls):
    response = alice_client.get(export_url(account, "xlsx", "?agent=CL2"))
    assert response.status_code == 200
    assert f'filename="{account.number}-calls-' in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert rows[0][0] == "Date/Time"
    ids = sorted(row[-1] for row in rows[1:])
    assert ids == ["A1", "A3"]
    assert AccessEvent.objects.get().action == "exported"


def test_csv_holds_the_filtered_calls_with_formulas_neutralised(alice_client, account, calls):
    response = alice_client.get(export_url(account, "csv", "?caller=514"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[-1] for row in rows[1:]] == ["A1"]
    everything = b"".join(alice_client.get(export_url(account, "csv")).streaming_content).decode()
    assert "'=HYPERLINK()" in everything and "THEIRS" not in everything


def test_export_is_not_limited_to_one_page(alice_client, account):
    for i in range(120):
        make_call(account, external_id=f"N{i}")
    rows = xlsx_rows(alice_client.get(export_url(account, "xlsx")))
    assert len(rows) == 121


def test_export_with_a_bad_filter_goes_back_to_the_page(alice_client, account):
    response = alice_client.get(export_url(account, "csv", "?from=2026-13-01"))
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.number}/calls/?from=2026-13-01"


def test_export_of_another_account_is_404(alice_client, other_account):
    assert alice_client.get(export_url(other_account, "xlsx")).status_code == 404


def test_billing_role_may_not_export(carol_client, account):
    assert carol_client.get(export_url(account, "csv")).status_code == 403


def test_email_report_sends_the_filtered_log(alice_client, account, calls):
    response = alice_client.post(
        f"/a/{account.number}/calls/email-report?agent=SY1",
        {"email": "boss@example.com", "format": "xlsx"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.number}/calls/?agent=SY1"
    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"]
    filename, content, _type = sent.attachments[0]
    assert filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["A2"]
    event = AccessEvent.objects.get()
    assert event.action == "emailed"
    assert "agent “SY1”" in sent.subject and "agent “SY1”" in sent.body
    assert "agent=SY1" not in sent.subject + sent.body + event.detail


def test_email_report_as_csv(alice_client, account, calls):
    alice_client.post(
        f"/a/{account.number}/calls/email-report", {"email": "a@example.com", "format": "csv"}
    )
    filename, content, _type = mail.outbox[0].attachments[0]
    text = content.decode() if isinstance(content, bytes) else content
    assert filename.endswith(".csv") and "A1" in text


def test_email_report_refuses_get(alice_client, account):
    assert alice_client.get(f"/a/{account.number}/calls/email-report").status_code == 405


def test_email_report_of_another_account_is_404(alice_client, other_account):
    response = alice_client.post(
        f"/a/{other_account.number}/calls/email-report", {"email": "a@example.com", "format": "csv"}
    )
    assert response.status_code == 404
    assert not mail.outbox
