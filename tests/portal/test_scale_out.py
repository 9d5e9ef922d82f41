"""More than one machine, proven: two gunicorn processes and a worker that share only
PostgreSQL, Redis and an S3 API (moto's standalone server), each with a media folder
of its own (no shared disk).

A user signs in on one process and carries on on the other; starts an export there
and downloads the file from the first; plays a recording (uploaded through the API)
from both; five wrong passwords spread over both lock the account on both.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
import redis
import requests
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from pypdf import PdfReader

from api.models import ApiToken
from calllog.models import Call
from jobs.models import ExportJob, QueuedEmail
from tests.factories import PASSWORD, make_account, make_message, make_user

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 11  # this test's own Redis database number (its keys also carry a prefix)
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, what: str, seconds: float = 90, every: float = 0.25):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (requests.RequestException, ConnectionError) as error:
            last = error
        time.sleep(every)
    raise AssertionError(f"Timed out waiting for {what} (last: {last!r})")


class Processes:
    """Starts processes with their output in files; stops them all at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("wb") as log:  # the child keeps its own copy
            process = subprocess.Popen(  # noqa: S603 (our own commands)
                argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.started.append((name, process))
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n" + (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]
            for name, _process in self.started
        )

    def stop(self) -> dict[str, int]:
        for _name, process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = {}
        for name, process in self.started:
            try:
                codes[name] = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = process.wait()
        return codes


@pytest.fixture
def cluster(transactional_db, process_env, tmp_path, settings):
    """moto (S3), two web processes on two ports and one worker, no shared folder."""
    from django.conf import global_settings

    # The processes check passwords with the real hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    processes = Processes(tmp_path)
    prefix = f"scale-test-{uuid.uuid4().hex[:8]}"
    s3_port = free_port()
    processes.start(
        "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], process_env
    )
    s3_url = f"http://127.0.0.1:{s3_port}"
    wait_until(lambda: requests.get(s3_url, timeout=2).ok, "the S3 server")
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106
    )
    for bucket in ("portal-exports", "portal-recordings"):
        s3.create_bucket(Bucket=bucket)
    shared = {
        **process_env,
        # Debug only so that static files are served from the app folders without a
        # collectstatic; nothing this test checks depends on it.
        "DJANGO_DEBUG": "true",
        # Every export goes to the worker, however small (portal/background.py).
        "EXPORT_INLINE_ROWS": "0",
        "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "CACHE_KEY_PREFIX": prefix,
        "EXPORTS_BUCKET": "portal-exports",
        "EXPORTS_ENDPOINT_URL": s3_url,
        "RECORDINGS_BUCKET": "portal-recordings",
        "RECORDINGS_ENDPOINT_URL": s3_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }

    def own_disk(name: str) -> dict:
        folder = tmp_path / name
        folder.mkdir()
        return {**shared, "MEDIA_ROOT": str(folder / "media"), "EXPORTS_ROOT": str(folder / "x")}

    urls = []
    for name in ("web-a", "web-b"):
        port = free_port()
        processes.start(
            name,
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
                "--no-control-socket",
            ],
            own_disk(name),
        )
        urls.append(f"http://127.0.0.1:{port}")
    processes.start("worker", [sys.executable, "manage.py", "run_worker"], own_disk("worker"))
    try:
        for url in urls:
            wait_until(lambda url=url: requests.get(f"{url}/healthz", timeout=5).ok, url)
    except BaseException:
        print(processes.logs())
        processes.stop()
        raise
    try:
        yield {"urls": urls, "s3": s3, "processes": processes}
        codes = processes.stop()
        assert codes["worker"] == 0, processes.logs()  # SIGTERM: a clean stop
    finally:
        processes.stop()
        store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
        keys = list(store.scan_iter(f"{prefix}:*"))
        if keys:
            store.delete(*keys)


def sign_in(session: requests.Session, url: str, username: str, password: str):
    form = session.get(f"{url}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return session.post(
        f"{url}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )


def test_two_web_processes_and_a_worker_share_sessions_exports_recordings_and_lockouts(
    cluster,
):
    try:
        walk_through(cluster)
    except BaseException:
        print(cluster["processes"].logs())
        raise


def walk_through(cluster) -> None:
    web_a, web_b = cluster["urls"]
    account = make_account(5201, "Plomberie Test inc.")
    make_user("alice", (account, "manager"), language="en")
    make_user("bob", (account, "member"))
    for hours in range(3):
        make_message(account, subject=f"Fuite {hours}", ago=timedelta(hours=hours + 1))
    _token, secret = ApiToken.issue("platform")

    # Signed in on A, carries on on B: the session lives in Redis, not in either process.
    alice = requests.Session()
    assert sign_in(alice, web_a, "alice", PASSWORD).status_code == 302
    inbox = alice.get(f"{web_b}/a/5201/messages/", timeout=10)
    assert inbox.status_code == 200 and "Fuite 0" in inbox.text
    assert Session.objects.count() == 0  # not in the database either

    # Starts the PDF on B, the worker makes it, downloads it from A.
    started = alice.get(f"{web_b}/a/5201/messages/export.pdf", allow_redirects=False, timeout=10)
    assert started.status_code == 302
    job_page = started.headers["Location"]
    assert re.fullmatch(r"/a/5201/exports/[0-9a-f-]{36}/", job_page)
    wait_until(
        lambda: (
            'data-status="done"'
            in alice.get(f"{web_b}{job_page}", headers={"HX-Request": "true"}, timeout=10).text
        ),
        "the export to be made by the worker",
    )
    download = alice.get(f"{web_a}{job_page}download", timeout=30)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(_bytes_io(download.content)).pages)
    assert all(f"Fuite {n}" in text for n in range(3))
    job = ExportJob.objects.get()
    stored = cluster["s3"].list_objects_v2(Bucket="portal-exports")["Contents"]
    assert [item["Key"] for item in stored] == [job.file.name]
    partial = alice.get(f"{web_b}{job_page}download", headers={"Range": "bytes=0-7"}, timeout=10)
    assert partial.status_code == 206 and partial.content == download.content[:8]

    # Someone else, even of the same account, gets 404 on either process.
    bob = requests.Session()
    assert sign_in(bob, web_b, "bob", PASSWORD).status_code == 302
    assert bob.get(f"{web_a}{job_page}download", timeout=10).status_code == 404

    # A recording uploaded through the API (to A) plays from both processes.
    api = {"Authorization": f"Bearer {secret}"}
    started_at = (timezone.now() - timedelta(hours=1)).isoformat()
    call = {"started_at": started_at, "direction": "inbound", "kind": "conversation"}
    created = requests.put(
        f"{web_a}/api/v1/accounts/5201/calls/C-1",
        json={**call, "duration_s": 60},
        headers=api,
        timeout=10,
    )
    assert created.status_code in (200, 201), created.text
    audio = b"ID3" + bytes(range(256)) * 40
    uploaded = requests.put(
        f"{web_a}/api/v1/accounts/5201/calls/C-1/recording",
        data=audio,
        headers={**api, "Content-Type": "audio/mpeg"},
        timeout=10,
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    assert cluster["s3"].list_objects_v2(Bucket="portal-recordings")["KeyCount"] == 1
    call_id = Call.objects.get(external_id="C-1").pk
    for url in (web_a, web_b):
        played = alice.get(
            f"{url}/a/5201/calls/{call_id}/recording", headers={"Range": "bytes=0-99"}, timeout=10
        )
        assert played.status_code == 206 and played.content == audio[:100]

    # E-mail goes out through the worker: a report e-mailed from B (its attachment
    # stored in the bucket by B, read back by the worker) and a password reset from A.
    form = alice.get(f"{web_b}/a/5201/messages/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    emailed = alice.post(
        f"{web_b}/a/5201/messages/email/",
        data={"email": "boss@example.com", "format": "csv", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert emailed.status_code == 302
    reset_form = requests.get(f"{web_a}/password-reset/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', reset_form.text).group(1)
    reset = requests.post(
        f"{web_a}/password-reset/",
        data={"email": "alice@example.com", "csrfmiddlewaretoken": token},
        cookies=reset_form.cookies,
        allow_redirects=False,
        timeout=10,
    )
    assert reset.status_code == 302
    worker_log = cluster["processes"].folder / "worker.log"
    reset_subject = f"Your new password for {settings.SERVICE['name']}"
    wait_until(
        lambda: (
            reset_subject in worker_log.read_text(errors="replace")
            and 'filename="5201-messages-' in worker_log.read_text(errors="replace")
        ),
        "the worker to send both e-mails (printed by the console mail backend)",
    )
    assert QueuedEmail.objects.count() == 0  # sent, and their attachments deleted
    assert cluster["s3"].list_objects_v2(Bucket="portal-exports", Prefix="mail/")["KeyCount"] == 0

    # Five wrong passwords, spread over both processes, lock bob out of both.
    for attempt, url in enumerate([web_a, web_b, web_a, web_b, web_a], start=1):
        response = sign_in(requests.Session(), url, "bob", "wrong-password")
        assert response.status_code in (200, 429), (attempt, response.status_code)
    for url in (web_a, web_b):
        locked = sign_in(requests.Session(), url, "bob", PASSWORD)
        assert locked.status_code == 429, url


def _bytes_io(content: bytes):
    import io

    return io.BytesIO(content)
