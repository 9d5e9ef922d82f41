"""A user asks for the inbox as PDF, watches the progress bar move, then downloads it;
on a phone as on a desktop."""

import io
from datetime import timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from jobs.models import ExportJob
from tests.e2e.conftest import PHONE, axe_violations
from tests.factories import make_account, make_message, make_user


def test_the_pdf_is_made_in_the_background_with_a_progress_bar(
    transactional_db, live_server, sign_in, page, tmp_path, run_tasks
):
    account = make_account(5201, "Plomberie Test inc.", language="fr")
    alice = make_user("alice", (account, "manager"), language="en")
    for hours in range(4):
        make_message(account, subject=f"Fuite {hours}", ago=timedelta(hours=hours + 1))

    page.set_viewport_size(PHONE)
    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/?q=fuite")
    page.get_by_role("button", name="PDF").click()
    expect(page).to_have_url(
        f"{live_server.url}/a/{account.number}/exports/{ExportJob.objects.get().pk}/"
    )
    status = page.get_by_test_id("export-status")
    expect(status).to_contain_text("Waiting for its turn")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    # The worker reports progress: the bar moves without reloading the page.
    ExportJob.objects.update(status="running", done=1, total=4)
    expect(page.get_by_test_id("export-count")).to_contain_text("1 of 4 (25 %)")
    expect(page.locator("#export-progress")).to_have_attribute("value", "25")
    ExportJob.objects.update(status="pending", done=0, total=None)

    assert run_tasks() == 1
    link = page.get_by_test_id("export-download")
    expect(link).to_be_visible(timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "messages.pdf"
    download_info.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert all(f"Fuite {n}" in text for n in range(4))
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(f"{live_server.url}/a/{account.number}/messages/?q=fuite")
