"""A user filters the inbox by text in place and downloads what the filter selects."""

import re
from datetime import timedelta

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import make_account, make_message, make_user


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
    rows_in_file = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert [row[3] for row in rows_in_file[1:]] == ["Problème de chauffe-eau"]
