"""A user filters the inbox by text in place and downloads what the filter selects."""

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.factories import make_account, make_message, make_recorded_call, make_user


def test_filter_by_text_then_download_excel(transactional_db, live_server, sign_in, page, tmp_path):
    account = make_account(5201, "Plomberie Test inc.", language="fr")
    alice = make_user("alice", (account, "manager"), language="en")
    make_message(account, subject="Problème de chauffe-eau", urgent=True, ago=timedelta(hours=2))
    make_message(account, subject="Fuite d'eau", ago=timedelta(hours=1))

    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    rows = page.get_by_test_id("message-row")
    expect(rows).to_have_count(2)

    page.locator("#id_q").fill("probleme")
    page.locator("#id_q").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Problème de chauffe-eau")
    expect(page).to_have_url(re.compile(r"q=probleme"))

    with page.expect_download() as download_info:
        page.get_by_test_id("download-xlsx").click()
    path = tmp_path / "messages.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    rows_in_file = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert [row[3] for row in rows_in_file[1:]] == ["Problème de chauffe-eau"]


def test_inbox_and_call_log_fit_a_phone_and_take_dates_from_the_picker(
    transactional_db, live_server, sign_in, page
):
    account = make_account(5201, "Plomberie Test inc.", language="fr")
    alice = make_user("alice", (account, "manager"), language="fr")
    make_message(account, subject="Problème de chauffe-eau", ago=timedelta(days=3))
    make_recorded_call(account)
    page.set_viewport_size(PHONE)
    sign_in(alice)

    for section in ("messages", "calls"):
        page.goto(f"{live_server.url}/a/{account.number}/{section}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], section
        assert page.locator("#id_from").get_attribute("type") == "datetime-local"

    # The picker refuses a date past its range; typed in the URL, the field says why.
    page.goto(f"{live_server.url}/a/{account.number}/messages/?to=9999-12-31T10:00")
    error = page.locator("#id_to_error")
    expect(error).to_have_text("Entrez une date du 1970-01-01 au 2099-12-31.")
    assert page.locator("#id_to").get_attribute("max") == "2099-12-31T23:59"
