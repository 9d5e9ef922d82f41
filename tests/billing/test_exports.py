import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessEvent
from billing.forms import default_range
from tests.factories import make_billed_call

pytestmark = pytest.mark.django_db

PORTAL_EXAMPLE = ["1.50", "3.25", "2.00", "0.75", "1.50", "2.25", "2.50"]


def base(account) -> str:
    return f"/a/{account.number}/billing/calls/"


@pytest.fixture
def example_calls(account):
    day_range, _cut = default_range(timezone.localdate(timezone=account.tzinfo))
    started = datetime.combine(day_range.start + timedelta(days=1), time(10), account.tzinfo)
    return [
        make_billed_call(account, started + timedelta(minutes=i), minutes)
        for i, minutes in enumerate(PORTAL_EXAMPLE)
    ]


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def totals_of(rows) -> dict:
    return {row[0]: row[1] for row in rows if row and row[0] and len(row) > 1}


def test_excel_export_totals_match_the_page(alice_client, account, example_calls):
    page = alice_client.get(base(account)).content.decode()
    response = alice_client.get(base(account) + "export.xlsx")

    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0][:7] == (
        "Date/Time",
        "Description",
        "Number",
        "Caller Name",
        "Agent",
        "Work time",
        "Statistic",
    )
    assert [row[6] for row in rows[1:8]] == [
        "01:30",
        "03:15",
        "02:00",
        "00:45",
        "01:30",
        "02:15",
        "02:30",
    ]
    totals = totals_of(rows[8:])
    assert totals["Total Calls"] == 7
    assert Decimal(str(totals["Total Stat"])) == Decimal("13.75")
    assert Decimal(str(totals["Average Stat/Call"])) == Decimal("1.96")
    assert 'data-testid="total-calls">7<' in page
    assert 'data-testid="total-stat">13.75<' in page
    assert 'data-testid="average-stat">1.96<' in page
    assert AccessEvent.objects.filter(
        action="exported", object_type="billing.billable_calls"
    ).exists()


def test_excel_export_follows_the_query(alice_client, account, example_calls):
    day = timezone.localdate(timezone=account.tzinfo) - timedelta(days=1)
    query = {"from": day.isoformat(), "to": day.isoformat()}

    rows = sheet_rows(
        b"".join(alice_client.get(base(account) + "export.xlsx", query).streaming_content)
    )

    assert totals_of(rows[1:])["Total Calls"] == 0


def test_excel_export_with_bad_dates_goes_back_to_the_page(alice_client, account):
    response = alice_client.get(base(account) + "export.xlsx", {"from": "nope"})

    assert response.status_code == 302
    assert response["Location"].startswith(base(account) + "?")


def test_email_report_sends_the_sheet(alice_client, account, example_calls, run_tasks):
    response = alice_client.post(
        base(account) + "email/", {"email": "boss@example.com", "format": "xlsx"}
    )

    assert response.status_code == 302 and "/exports/" in response["Location"]
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boss@example.com"]
    filename, content, _type = message.attachments[0]
    assert filename.endswith(".xlsx")
    assert totals_of(sheet_rows(content)[8:])["Total Calls"] == 7
    assert AccessEvent.objects.filter(
        action="emailed", object_type="billing.billable_calls"
    ).exists()


def test_email_report_is_for_billing_roles_only(bob_client, dave_client, account):
    data = {"email": "x@example.com", "format": "xlsx"}
    assert bob_client.post(base(account) + "email/", data).status_code == 403
    assert dave_client.post(base(account) + "email/", data).status_code == 404
    assert mail.outbox == []
