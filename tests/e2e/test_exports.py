"""A user asks for the inbox as PDF, watches the progress bar move, then downloads it;
on a phone as on a desktop. An e-mailed report is followed the same way, to "sent".

The threshold (EXPORT_INLINE_ROWS) is set low so that a few messages make an export
"big": past it, the worker makes the file."""

import io
from datetime import timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from jobs.models import ExportJob
from tests.e2e.conftest import PHONE, axe_violations
from tests.factories import make_account, make_message, make_user


def test_the_pdf_is_made_in_the_background_with_a_progress_bar(
    transactional_db, live_server, sign_in, page, tmp_path, run_tasks, settings
):
    settings.EXPORT_INLINE_ROWS = 750  # a PDF of more than 3 messages is big
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


def test_a_small_pdf_downloads_at_once(
    transactional_db, live_server, sign_in, page, tmp_path, settings
):
    settings.EXPORT_INLINE_ROWS = 750
    account = make_account(5201, "Plomberie Test inc.")
    alice = make_user("alice", (account, "manager"), language="en")
    make_message(account, subject="Fuite 1")

    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="PDF").click()
    path = tmp_path / "small.pdf"
    download_info.value.save_as(path)
    assert "Fuite 1" in PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    assert not ExportJob.objects.exists()


def test_an_emailed_report_shows_its_progress_then_sent(
    transactional_db, live_server, sign_in, page, run_tasks
):
    account = make_account(5201, "A\nB")  # a line break in the name breaks nothing
    alice = make_user("alice", (account, "manager"), language="en")
    make_message(account, subject="Fuite 1")

    sign_in(alice)
    page.goto(f"{live_server.url}/a/{account.number}/messages/")
    page.get_by_test_id("email-report").locator("summary").click()
    page.get_by_label("Send to").fill("boss@example.com")
    page.get_by_test_id("email-report").get_by_role("button", name="Send").click()
    # (the form's #email-report anchor stays on the address, as browsers keep it)
    page.wait_for_url(f"{live_server.url}/a/{account.number}/exports/*/**")
    assert f"/exports/{ExportJob.objects.get().pk}/" in page.url
    expect(page.get_by_test_id("export-status")).to_contain_text("Waiting for its turn")
    run_tasks()
    expect(page.get_by_test_id("export-sent")).to_contain_text(
        "Sent to boss@example.com.", timeout=10_000
    )
    assert axe_violations(page) == []
