"""The biggest export there is: every message of an account as one PDF, on the worker.

    make bench-pdf                      # 25,000 messages
    BENCH_PDF_MESSAGES=2000 make bench-pdf

Builds a throwaway database on the tests' PostgreSQL, fills one account with N
messages (each with two dispatch events, like the demo's), asks for the PDF as a user
would (GET /a/<n>/messages/export.pdf), then runs `manage.py run_worker --batch` in a
process of its own and reports that process's wall time and peak memory (maximum
resident set size), the file's pages and size. Figures to read, not a test.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["EXPORTS_ROOT"] = tempfile.mkdtemp(prefix="bench-exports-")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def fill(account, size: int, rng: random.Random) -> None:
    from messages_app.models import Message, MessageEvent

    now = timezone.now()
    words = ["Problème", "fuite", "chauffe-eau", "rendez-vous", "urgence", "facture", "appel"]
    messages = []
    for i in range(size):
        message = Message(
            account=account,
            external_id=f"p{i}",
            taken_at=now - timedelta(minutes=rng.randint(0, 59 * 24 * 60)),
            taken_by=rng.choice(["A07", "CL2", "SY1"]),
            subject=" ".join(rng.sample(words, 3)),
            caller_name=f"Client {i}",
            caller_number=f"(514) 555-{i % 10000:04d}",
            urgent=rng.random() < 0.1,
            fields=[
                {"label": "Prénom", "value": rng.choice(["Marie", "Jean", "Luc"])},
                {"label": "Problème", "value": " ".join(rng.sample(words, 4))},
            ],
        )
        message.search_text = message.build_search_text()
        messages.append(message)
    Message.objects.bulk_create(messages, batch_size=2000)
    events = []
    for message in Message.objects.filter(account=account).only("pk", "taken_at").iterator():
        for seconds, kind, target in ((0, "taken", ""), (30, "email_initiated", "info@x.ca")):
            event = MessageEvent(
                account=account,
                message=message,
                at=message.taken_at + timedelta(seconds=seconds),
                kind=kind,
                target=target,
            )
            event.fingerprint = MessageEvent.make_fingerprint(event.at, kind, target, "")
            events.append(event)
    MessageEvent.objects.bulk_create(events, batch_size=5000)


def run() -> None:
    from django.conf import settings

    from jobs.models import ExportJob
    from tests.factories import make_account, make_user

    size = int(os.environ.get("BENCH_PDF_MESSAGES", "25000"))
    setup_test_environment()
    # A database of its own, so a test run at the same time keeps its own.
    connection.settings_dict["TEST"]["NAME"] = f"bench_pdf_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        account = make_account(6100, "Bench PDF")
        user = make_user("benchpdf", (account, "manager"), language="fr")
        started = time.perf_counter()
        fill(account, size, random.Random(size))
        print(f"filled {size} messages in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(user)
        response = client.get(f"/a/{account.number}/messages/export.pdf")
        assert response.status_code == 302, response.status_code
        database = connection.settings_dict
        env = {
            **os.environ,
            # The worker as in production: no debug (which keeps every query in memory).
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdef",
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
        }
        connection.close()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        job = ExportJob.objects.get()
        assert job.status == "done", (job.status, job.error)
        from pypdf import PdfReader

        with job.file.open("rb") as handle:
            pages = len(PdfReader(handle).pages)
        print(
            f"{size} messages -> {pages} pages, {job.size / 1e6:.1f} MB PDF in {seconds:.0f} s "
            f"({size / seconds:.0f} messages/s); worker peak memory {peak_mb:.0f} MB"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(os.environ["EXPORTS_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    run()
