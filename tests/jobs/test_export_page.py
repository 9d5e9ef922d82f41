"""The page of an export job (/a/<number>/exports/<job>/) and its download."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone, translation

from accounts.models import AccessEvent, Membership
from jobs.exports import start_export
from jobs.models import ExportJob
from tests.factories import make_export_job, make_message

pytestmark = pytest.mark.django_db


def page_url(job) -> str:
    return f"/a/{job.account.number}/exports/{job.pk}/"


def test_a_running_job_shows_its_progress_and_keeps_polling(alice_client, alice, account):
    job = make_export_job(account, alice, status="running", done=40, total=200)
    response = alice_client.get(page_url(job))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="20"' in html and "40 of 200 (20 %)" in html
    assert 'hx-trigger="every 1s"' in html and f'hx-get="{page_url(job)}"' in html
    assert "Messages (PDF)" in html


def test_the_htmx_poll_gets_only_the_status(alice_client, alice, account, htmx_headers):
    job = make_export_job(account, alice, status="pending")
    response = alice_client.get(page_url(job), headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="export-status"') and "<html" not in html
    assert 'data-status="pending"' in html and "every 1s" in html


def test_a_finished_job_stops_polling_and_offers_the_file(alice_client, alice, account):
    job = make_export_job(account, alice, content=b"%PDF-1.7 hello")
    html = alice_client.get(page_url(job)).content.decode()
    assert "hx-trigger" not in html
    assert f'href="{page_url(job)}download"' in html
    assert "5201-messages-2026-03-22.pdf" in html and "14\xa0bytes" in html


def test_the_download_streams_the_file_to_its_owner(alice_client, alice, account):
    job = make_export_job(account, alice, content=b"%PDF-1.7 hello")
    response = alice_client.get(page_url(job) + "download")
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == b"%PDF-1.7 hello"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == "14"
    assert response["Content-Disposition"] == (
        'attachment; filename="5201-messages-2026-03-22.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    event = AccessEvent.objects.get(action="downloaded")
    assert event.object_id == str(job.pk) and event.account == account


def test_the_download_answers_a_range(alice_client, alice, account):
    job = make_export_job(account, alice, content=b"0123456789")
    response = alice_client.get(page_url(job) + "download", headers={"Range": "bytes=2-5"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"2345"
    assert response["Content-Range"] == "bytes 2-5/10"
    response = alice_client.get(page_url(job) + "download", headers={"Range": "bytes=20-"})
    assert response.status_code == 416


def test_another_user_of_the_same_account_gets_404(bob_client, alice, account):
    job = make_export_job(account, alice)
    assert bob_client.get(page_url(job)).status_code == 404
    assert bob_client.get(page_url(job) + "download").status_code == 404


def test_a_user_of_another_account_gets_404(dave_client, erin, alice, account, other_account):
    job = make_export_job(account, alice)
    assert dave_client.get(page_url(job)).status_code == 404
    # erin belongs to both accounts: the job is not found under her other account either.
    mine = make_export_job(account, erin)
    assert dave_client.get(page_url(mine)).status_code == 404
    from tests.conftest import signed_in

    erin_client = signed_in(erin)
    wrong_account = f"/a/{other_account.number}/exports/{mine.pk}/"
    assert erin_client.get(wrong_account).status_code == 404
    assert erin_client.get(page_url(mine)).status_code == 200


def test_a_role_that_may_no_longer_open_the_section_gets_403(carol_client, carol, account):
    job = make_export_job(account, carol, kind="messages.pdf")
    assert carol_client.get(page_url(job)).status_code == 403
    assert carol_client.get(page_url(job) + "download").status_code == 403


def test_bad_or_unknown_job_ids_are_404(alice_client, account):
    assert alice_client.get(f"/a/{account.number}/exports/not-a-uuid/").status_code == 404
    assert alice_client.get(f"/a/{account.number}/exports/{uuid.uuid4()}/").status_code == 404


def test_only_get_and_head_are_answered(alice_client, alice, account):
    job = make_export_job(account, alice)
    assert alice_client.post(page_url(job)).status_code == 405
    assert alice_client.post(page_url(job) + "download").status_code == 405
    head = alice_client.head(page_url(job) + "download")
    assert head.status_code == 200 and head["Content-Length"] == str(job.size)


def test_nothing_to_download_before_the_file_is_ready(alice_client, alice, account):
    job = make_export_job(account, alice, status="running")
    assert alice_client.get(page_url(job) + "download").status_code == 404


def test_an_expired_job_says_so_and_serves_nothing(alice_client, alice, account):
    job = make_export_job(account, alice, expires_at=timezone.now() - timedelta(minutes=1))
    assert alice_client.get(page_url(job) + "download").status_code == 404
    ExportJob.objects.filter(pk=job.pk).update(status="expired", file="")
    html = alice_client.get(page_url(job)).content.decode()
    assert 'data-testid="export-expired"' in html and "24 hours" in html


def test_a_failed_job_says_so(alice_client, alice, account):
    job = make_export_job(account, alice, status="failed")
    html = alice_client.get(page_url(job)).content.decode()
    assert 'data-testid="export-failed"' in html and "hx-trigger" not in html


def test_the_page_is_in_french_for_a_french_user(alice_client, alice, account):
    alice.language = "fr"
    alice.save()
    job = make_export_job(account, alice, status="running", done=1200, total=25000)
    html = alice_client.get(page_url(job)).content.decode()
    assert "1\xa0200 sur 25\xa0000 (4\xa0%)" in html and "Messages (PDF)" in html


def test_the_page_reads_a_bounded_number_of_rows(
    alice_client, alice, account, django_assert_max_num_queries
):
    job = make_export_job(account, alice)
    with django_assert_max_num_queries(8):
        assert alice_client.get(page_url(job)).status_code == 200


def as_request(user, account):
    return SimpleNamespace(
        user=user, account=account, membership=Membership.objects.get(user=user, account=account)
    )


def test_start_export_redirects_to_the_job_in_the_users_language(alice, account):
    make_message(account)
    with translation.override("fr"):
        response = start_export(
            as_request(alice, account), "messages.csv", {"q": ["fuite"]}, description="q=fuite"
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(job)
    assert (job.owner, job.account, job.language, job.status) == (alice, account, "fr", "pending")
    assert job.params == {"q": ["fuite"]} and job.back_url == ""


def test_an_emailed_export_is_sent_and_the_page_says_so(alice_client, alice, account, run_tasks):
    make_message(account, subject="Fuite d'eau", external_id="M-1")
    start_export(as_request(alice, account), "messages.csv", {}, email_to="boss@example.com")
    job = ExportJob.objects.get()
    run_tasks()
    job.refresh_from_db()
    assert job.status == "done" and job.sent_at is not None
    (sent,) = mail.outbox
    assert sent.to == ["boss@example.com"] and "5201" in sent.subject
    filename, content, _mimetype = sent.attachments[0]
    assert filename.endswith(".csv") and "M-1" in content
    html = alice_client.get(page_url(job)).content.decode()
    assert "Sent to boss@example.com." in html
    assert alice_client.get(page_url(job) + "download").status_code == 404


def test_start_export_refuses_a_role_without_the_permission(carol, account):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start_export(as_request(carol, account), "messages.pdf", {})
    assert not ExportJob.objects.exists()


def test_the_worker_leaves_no_temporary_file_behind(
    alice, account, run_tasks, monkeypatch, tmp_path
):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    make_message(account)
    for kind in ("messages.xlsx", "messages.csv", "messages.pdf"):
        start_export(as_request(alice, account), kind, {})
    run_tasks()
    assert set(ExportJob.objects.values_list("status", flat=True)) == {"done"}
    assert list(scratch.iterdir()) == []
