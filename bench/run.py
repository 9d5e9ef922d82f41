"""Speed figures (not tests): how the busiest pages and exports hold up as data grows.

Run with `make bench` (PostgreSQL, like the tests). It builds a throwaway database,
fills one account with N messages and N calls (N = 2,000 and 20,000 by default, or
BENCH_SIZES=1000,50000), then times each page and counts its queries. The figures to
watch: queries that do not grow with N, and times that grow slowly.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGES = [
    ("inbox", "/a/{n}/messages/"),
    ("inbox search", "/a/{n}/messages/?q=probleme"),
    ("messages xlsx", "/a/{n}/messages/export.xlsx"),
    ("call log", "/a/{n}/calls/"),
    ("calls csv", "/a/{n}/calls/export.csv"),
    ("statistics", "/a/{n}/stats/"),
    ("billable calls", "/a/{n}/billing/calls/"),
]


def fill(account, size: int, rng: random.Random) -> None:
    from calllog.models import Call
    from messages_app.models import Message

    now = timezone.now()
    words = ["Problème", "fuite", "chauffe-eau", "rendez-vous", "urgence", "facture", "appel"]
    messages, calls = [], []
    for i in range(size):
        at = now - timedelta(minutes=rng.randint(0, 59 * 24 * 60))
        message = Message(
            account=account,
            external_id=f"b{size}-{i}",
            taken_at=at,
            subject=" ".join(rng.sample(words, 2)),
            caller_name=f"Client {i}",
            fields=[{"label": "Problème", "value": rng.choice(words)}],
        )
        message.search_text = message.build_search_text()
        messages.append(message)
        answered = rng.randint(3, 40)
        calls.append(
            Call(
                account=account,
                external_id=f"b{size}-{i}",
                started_at=at,
                direction="inbound",
                kind="conversation",
                caller_number=f"514555{i % 10000:04d}",
                agent=rng.choice(["CL1", "CL2", "SY1"]),
                duration_s=rng.randint(5, 600),
                queued_s=0,
                assigned_s=2,
                answered_s=answered,
                work_s=rng.randint(30, 400),
                billing_units=rng.choice([None, 1.5, 2.25]),
                invoice_number=rng.choice(["", "780412-202611"]),
            )
        )
    Message.objects.bulk_create(messages, batch_size=2000)
    Call.objects.bulk_create(calls, batch_size=2000)


def run() -> None:
    from django.conf import settings

    from tests.factories import make_account, make_user

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "2000,20000").split(",")]
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        print(f"{'page':<16}" + "".join(f"{f'N={s}':>22}" for s in sizes))
        results: dict[str, list[str]] = {name: [] for name, _ in PAGES}
        for index, size in enumerate(sizes):
            account = make_account(6000 + index, f"Bench {size}")
            user = make_user(f"bench{size}", (account, "manager"))
            started = time.perf_counter()
            fill(account, size, random.Random(size))
            seconds = time.perf_counter() - started
            print(f"  (filled {size} messages and {size} calls in {seconds:.1f} s)")
            client = Client()
            client.force_login(user)
            for name, url in PAGES:
                path = url.format(n=account.number)
                client.get(path)  # warm up
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path)
                    if response.streaming:
                        b"".join(response.streaming_content)
                    elapsed = (time.perf_counter() - started) * 1000
                status = "" if response.status_code == 200 else f" [{response.status_code}]"
                results[name].append(f"{elapsed:8.0f} ms {len(queries):3d} q{status}")
        for name, cells in results.items():
            print(f"{name:<16}" + "".join(f"{c:>22}" for c in cells))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    run()
