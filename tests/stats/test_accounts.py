"""Statistics over several accounts (`accounts`): who may add which, and the union's figures."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import AccessEvent
from tests.conftest import signed_in
from tests.factories import WORKED_EXAMPLE_CALLS, make_account, make_call, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db):
    """A second account of the same client, on the other side of the country."""
    return make_account(5202, "Clinique Westmount", timezone="America/Vancouver")


@pytest.fixture
def olivia(account, clinic):
    return make_user("olivia", (clinic, "member"), (account, "member"))


@pytest.fixture
def olivia_client(olivia):
    return signed_in(olivia)


def url(account, suffix: str = "") -> str:
    return f"/a/{account.number}/stats/{suffix}"


def last_friday(account) -> date:
    """The most recent Friday before today, in the account's zone."""
    day = timezone.localdate(timezone=account.tzinfo) - timedelta(days=2)
    while day.isoweekday() != 5:
        day -= timedelta(days=1)
    return day


def local(account, day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=account.tzinfo)


def split_worked_example(toronto, vancouver, day: date) -> None:
    """docs/statistics.md's five calls, c1, c2 and c5 in Toronto and c3 and c4 in Vancouver,
    all on a Friday evening local time. 22:30 in Vancouver is already Saturday 01:30 in
    Toronto: only each call's own zone puts c3 and c4 in a Friday 22:00-23:00 window."""
    places = [(toronto, 10), (toronto, 20), (vancouver, 30), (vancouver, 45), (toronto, 50)]
    for (account, minute), fields in zip(places, WORKED_EXAMPLE_CALLS, strict=True):
        make_call(account, local(account, day, 22, minute), **fields)


def friday_evening(day: date) -> str:
    return f"?from={day}&to={day}&after=22:00&before=23:00&days=fri"


def cell(html: str, row: str, column: str = "unit") -> str:
    start = html.index(f'data-row="{row}"')
    start = html.index(f'data-cell="{column}">', start) + len(f'data-cell="{column}">')
    return html[start : html.index("</td>", start)]


# The worked example of docs/statistics.md, as the page shows it (unit, %).
WORKED_EXAMPLE = {
    "total": ("3", "100.0%"),
    "automated": ("1", "33.3%"),
    "agent": ("2", "66.7%"),
    "system_abandon": ("0", "0.0%"),
    "assigned": ("2", "66.7%"),
    "agent_abandon": ("0", "0.0%"),
    "answered_of_total": ("2", "66.7%"),
    "answered_of_assigned": ("2", "100.0%"),
    "avg_work": ("175.0", ""),
    "held": ("1", "50.0%"),
    "avg_hold": ("30.0", ""),
    "avg_wait": ("27.0", ""),
    "within_30": ("1", "50.0%"),
    "patches": ("1", ""),
    "patch_time": ("1.5", ""),
    "busies": ("1", ""),
}


def test_worked_example_split_over_two_zones_equals_the_union(olivia_client, account, clinic):
    day = last_friday(account)
    split_worked_example(account, clinic, day)
    query = friday_evening(day) + "&accounts=5201&accounts=5202"
    html = olivia_client.get(url(account) + query).content.decode()
    shown = {row: (cell(html, row), cell(html, row, "percent")) for row in WORKED_EXAMPLE}
    assert shown == WORKED_EXAMPLE


def test_without_accounts_only_the_current_account_counts(olivia_client, account, clinic):
    day = last_friday(account)
    split_worked_example(account, clinic, day)
    html = olivia_client.get(url(account) + friday_evening(day)).content.decode()
    assert cell(html, "total") == "1"  # c1; c2 is too short, c5 a busy
    assert cell(html, "busies") == "1"
    assert "Account 5201 " in html


def test_heading_names_every_account_included(olivia_client, account, clinic):
    html = olivia_client.get(url(account) + "?accounts=5202").content.decode()
    assert "Accounts 5201, 5202 " in html
    title = html[html.index('data-testid="stats-title">') :]
    assert title.startswith('data-testid="stats-title">Plomberie Test inc., Clinique Westmount<')


def test_current_account_is_always_included(olivia_client, account, clinic):
    make_call(account, local(account, last_friday(account), 14, 0))
    html = olivia_client.get(url(clinic) + "?accounts=5201").content.decode()
    assert "Accounts 5202, 5201 " in html  # the current account first
    assert cell(html, "total") == "1"
    # Its box is ticked and cannot be unticked.
    box = html[html.index('name="accounts" value="5202"') :]
    assert box[: box.index(">")].endswith("checked disabled")


def test_all_means_every_account_with_statistics(olivia_client, account, clinic):
    day = last_friday(account)
    split_worked_example(account, clinic, day)
    html = olivia_client.get(url(account) + friday_evening(day) + "&accounts=all").content.decode()
    assert "Accounts 5201, 5202 " in html
    assert cell(html, "total") == "3"


def test_picker_lists_only_accounts_with_statistics(account, clinic, other_account):
    user = make_user("sophie", (account, "member"), (clinic, "billing"), (other_account, "manager"))
    html = signed_in(user).get(url(account)).content.decode()
    picker = html[html.index('data-testid="stats-accounts"') : html.index("</fieldset>")]
    assert "All my accounts" in picker
    assert "7300 Other Client Ltd." in picker
    assert "5202" not in picker


def test_picker_is_not_drawn_for_a_single_account(bob_client, account):
    html = bob_client.get(url(account)).content.decode()
    assert 'data-testid="stats-accounts"' not in html


def test_all_leaves_out_an_account_where_the_role_is_billing(account, clinic):
    user = make_user("sophie", (account, "member"), (clinic, "billing"))
    day = last_friday(account)
    split_worked_example(account, clinic, day)
    html = signed_in(user).get(url(account) + friday_evening(day) + "&accounts=all")
    region = html.content.decode().split('id="stats-region"', 1)[1]  # past the switcher
    assert "Account 5201 " in region and "5202" not in region
    assert cell(region, "total") == "1"


@pytest.mark.parametrize("number", ["7300", "5202", "999999", "abc", "-1"])
def test_an_account_the_user_may_not_see_is_refused_with_one_message(
    bob_client, account, other_account, clinic, number
):
    """bob is a member of 5201 only: 7300 and 5202 exist, 999999 does not; the same
    message for each, next to the field, and no figure at all."""
    make_call(other_account, local(other_account, last_friday(account), 14, 0))
    response = bob_client.get(url(account) + f"?accounts={number}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_accounts_error"' in html
    assert f"{number} is not one of your accounts with statistics" in html
    assert 'data-testid="stats-table"' not in html
    assert "Other Client Ltd." not in html and "Clinique Westmount" not in html


def test_a_refused_account_is_refused_even_beside_allowed_ones(olivia_client, account, clinic):
    response = olivia_client.get(url(account) + "?accounts=5202&accounts=7300")
    html = response.content.decode()
    assert "7300 is not one of your accounts with statistics" in html
    assert 'data-testid="stats-table"' not in html


def test_exports_of_a_refused_account_are_refused(bob_client, account, other_account):
    for suffix in ("export.xlsx", "export.pdf"):
        response = bob_client.get(url(account, suffix) + "?accounts=7300")
        assert response.status_code == 400
        assert 'id="id_accounts_error"' in response.content.decode()
    assert not AccessEvent.objects.filter(action="exported").exists()


def test_htmx_partial_applies_the_accounts_in_place(olivia_client, account, clinic, htmx_headers):
    response = olivia_client.get(url(account) + "?accounts=5202", headers=htmx_headers)
    html = response.content.decode()
    assert "<html" not in html
    assert "Accounts 5201, 5202 " in html
    assert 'data-testid="stats-accounts"' in html


def test_xlsx_names_every_account_and_sums_them(olivia_client, account, clinic):
    day = last_friday(account)
    split_worked_example(account, clinic, day)
    query = friday_evening(day) + "&accounts=5202"
    response = olivia_client.get(url(account, "export.xlsx") + query)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0].startswith("Plomberie Test inc., Clinique Westmount — Accounts 5201, 5202 ")
    by_label = {row[0]: row[1:3] for row in rows[3:]}
    assert by_label["Total Incoming Calls"] == [3, 100]
    assert by_label["Busies"] == [1, None]


def test_pdf_names_every_account(olivia_client, account, clinic):
    response = olivia_client.get(url(account, "export.pdf") + "?accounts=all")
    assert response.status_code == 200
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Plomberie Test inc., Clinique Westmount" in text
    assert "Accounts 5201, 5202" in text


def page_queries(client, account, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(account) + query).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_number_of_accounts(account):
    accounts = [account] + [make_account(6000 + n, timezone="America/Halifax") for n in range(5)]
    user = make_user("franchise", *((a, "member") for a in accounts))
    for index, each in enumerate(accounts):
        make_call(each, local(each, last_friday(account), 9 + index, 30))
    client = signed_in(user)
    one = page_queries(client, account, "?after=17:30&before=08:15")
    six = page_queries(client, account, "?after=17:30&before=08:15&accounts=all")
    assert six == one
    assert one <= 10
