"""The statistics page, its HTMX partial, its exports and who may open them."""

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import AccessEvent
from tests.factories import make_call, make_worked_example

pytestmark = pytest.mark.django_db


def url(account, suffix: str = "") -> str:
    return f"/a/{account.number}/stats/{suffix}"


def days_ago(account, days: int, hour: int = 14) -> datetime:
    day = timezone.localdate(timezone=account.tzinfo) - timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=account.tzinfo)


@pytest.fixture
def calls(account):
    """The worked example of docs/statistics.md, three days ago in the afternoon."""
    return make_worked_example(account, days_ago(account, 3))


def cells(html: str, row: str) -> str:
    start = html.index(f'data-row="{row}"')
    return html[start : html.index("</tr>", start)]


def test_page_shows_the_table_header_and_charts(bob_client, account, calls):
    response = bob_client.get(url(account))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Total Incoming Calls" in html
    assert "All incoming telephone calls for your account(s)" in html
    assert '<td class="text-end text-nowrap" data-cell="unit">3</td>' in cells(html, "total")
    assert "66.7%" in cells(html, "answered_of_total")
    assert "100.0%" in cells(html, "answered_of_assigned")
    assert "175.0" in cells(html, "avg_work")
    assert "1.5" in cells(html, "patch_time")
    assert "Account 5201 " in html
    assert "Calls after: 00:00 and Calls before: 23:59, Day of Week: All" in html
    assert html.count("<svg") == 2
    assert 'viewBox="0 0 400 ' in html
    assert "<title" in html and "style=" not in html.split("<main", 1)[1]


def test_manager_sees_the_page_too(alice_client, account):
    assert alice_client.get(url(account)).status_code == 200


def test_filter_is_applied_and_stated_in_the_header(bob_client, account, calls):
    make_call(account, days_ago(account, 2, hour=23))
    query = "?after=17:00&before=08:00&days=mon&days=tue&days=wed&days=thu&days=fri&days=sat"
    query += "&days=sun"
    html = bob_client.get(url(account) + query).content.decode()
    assert "Calls after: 17:00 and Calls before: 08:00, Day of Week: All" in html
    assert '<td class="text-end text-nowrap" data-cell="unit">1</td>' in cells(html, "total")


def test_weekday_subset_is_named_in_the_header(bob_client, account):
    html = bob_client.get(url(account) + "?days=mon&days=tue").content.decode()
    assert "Day of Week: Mon, Tue" in html
    assert 'value="mon" class="form-check-input" id="id_days_0" checked' in html


def test_htmx_request_gets_only_the_partial(bob_client, account, calls, htmx_headers):
    response = bob_client.get(url(account) + "?after=08:00", headers=htmx_headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="stats-filter"' in html
    assert "Total Incoming Calls" in html


def test_filter_form_pushes_its_url_and_works_without_javascript(bob_client, account):
    html = bob_client.get(url(account)).content.decode()
    assert f'method="get" action="{url(account)}"' in html
    assert 'hx-push-url="true"' in html
    assert 'hx-target="#stats-region"' in html


def test_billing_role_is_refused(carol_client, account):
    assert carol_client.get(url(account)).status_code == 403
    assert carol_client.get(url(account, "export.xlsx")).status_code == 403
    assert carol_client.get(url(account, "export.pdf")).status_code == 403


def test_another_client_gets_404(dave_client, account, calls):
    assert dave_client.get(url(account)).status_code == 404
    assert dave_client.get(url(account, "export.xlsx")).status_code == 404
    assert dave_client.get(url(account, "export.pdf")).status_code == 404


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?after=25:00", "after", "Enter a valid time."),
        ("?from=2026-02-30", "from", "Enter a real date as YYYY-MM-DD."),
        ("?to=9999-12-31", "to", "Enter a date from 1970-01-01 to 2099-12-31."),
        ("?from=0001-01-01", "from", "Enter a date from 1970-01-01 to 2099-12-31."),
        ("?days=xyz", "days", "xyz is not a day of the week."),
        ("?after=08:00&before=08:00", "before", "must differ"),
    ],
)
def test_bad_input_gets_a_message_by_the_field_and_no_table(
    bob_client, account, calls, query, field, message
):
    response = bob_client.get(url(account) + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert 'data-testid="stats-table"' not in html
    assert 'data-testid="stats-invalid"' in html


def test_reversed_range_is_refused(bob_client, account, calls):
    today = timezone.localdate(timezone=account.tzinfo)
    query = f"?from={today}&to={today - timedelta(days=3)}"
    html = bob_client.get(url(account) + query).content.decode()
    assert "The end must come after the start." in html
    assert 'data-testid="stats-table"' not in html


def test_start_before_the_retention_window_is_refused(bob_client, account):
    today = timezone.localdate(timezone=account.tzinfo)
    html = bob_client.get(url(account) + f"?from={today - timedelta(days=61)}").content.decode()
    assert "Calls are kept 60 days" in html
    assert 'data-testid="stats-table"' not in html


def test_bad_input_in_htmx_partial_shows_the_message(bob_client, account, htmx_headers):
    response = bob_client.get(url(account) + "?before=7h", headers=htmx_headers)
    assert response.status_code == 200
    assert 'id="id_before_error"' in response.content.decode()


def test_default_range_is_the_last_30_days(bob_client, account):
    today = timezone.localdate(timezone=account.tzinfo)
    html = bob_client.get(url(account)).content.decode()
    assert f'value="{today - timedelta(days=29)}"' in html
    assert f'value="{today}"' in html
    assert f"{today - timedelta(days=29)} 00:00 to {today} 23:59" in html


def page_queries(client, account) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(account) + "?after=17:00&before=08:00").status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_calls(bob_client, account):
    for index in range(5):
        make_call(account, days_ago(account, 1 + index, hour=index))
    few = page_queries(bob_client, account)
    for index in range(195):
        make_call(account, days_ago(account, 1 + index % 25, hour=index % 24))
    assert page_queries(bob_client, account) == few
    assert few <= 10


def test_xlsx_export_has_the_header_and_the_figures(bob_client, bob, account, calls):
    response = bob_client.get(url(account, "export.xlsx") + "?after=08:00&before=18:00")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="5201-statistics-')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "Calls after: 08:00 and Calls before: 18:00" in rows[0][0]
    by_label = {row[0]: row[1:3] for row in rows[3:]}
    assert by_label["Total Incoming Calls"] == [3, 100]
    assert by_label["Automated Calls"][0] == 1
    assert float(by_label["Automated Calls"][1]) == pytest.approx(33.3)
    assert float(by_label["Avg Wait for Operator, Agent Calls (secs)"][0]) == 27.0
    assert by_label["Busies"] == [1, None]
    assert len(workbook.worksheets) == 3
    event = AccessEvent.objects.get(action="exported")
    assert (event.user, event.account, event.object_type) == (bob, account, "stats")


def pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_pdf_export_has_the_header_and_the_table(bob_client, account, calls):
    response = bob_client.get(url(account, "export.pdf") + "?days=mon&days=sat")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Total Incoming Calls" in text
    assert "Day of Week: Mon, Sat" in text
    assert "Calls by hour of the day" in text
    assert "Hour of the day (0-23, local time)" in text  # drawn inside the SVG
    assert AccessEvent.objects.filter(action="exported", object_type="stats").count() == 1


def test_pdf_export_renders_in_french(bob, bob_client, account, calls):
    bob.language = "fr"
    bob.save()
    response = bob_client.get(url(account, "export.pdf"))
    assert response.status_code == 200
    assert "5201" in pdf_text(response)


def test_export_with_bad_filter_is_refused_with_the_message(bob_client, account):
    response = bob_client.get(url(account, "export.xlsx") + "?after=25:00")
    assert response.status_code == 400
    assert 'id="id_after_error"' in response.content.decode()
    assert not AccessEvent.objects.filter(action="exported").exists()


def test_statistics_section_is_in_the_menu_for_members_only(bob_client, carol_client, account):
    assert url(account) in bob_client.get(f"/a/{account.number}/").content.decode()
    assert url(account) not in carol_client.get(f"/a/{account.number}/").content.decode()


def test_charts_are_labelled_and_their_numbers_are_not_localised(bob, bob_client, account, calls):
    bob.language = "fr"  # French formats write 12,5: an SVG coordinate must stay 12.5
    bob.save()
    html = bob_client.get(url(account)).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    drawing = svg[svg.index("</desc>") :]
    coordinates = re.findall(r' (?:x|y|width|height)="([^"]*)"', drawing)
    assert coordinates and all(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", c) for c in coordinates)
    assert 'role="img"' in svg and "<desc" in svg
    # The legend and each bar's title speak the user's language.
    assert "Répondus par un agent" in svg and "Abandonnés" in svg
    assert "<title>14:00, Répondus par un agent : 2</title>" in svg or (
        "<title>14:00, Répondus par un agent: 2</title>" in svg
    )
