"""Speed figures at ten times a real answering service (not tests): `make bench`.

What it does, in a database of its own next to DATABASE_URL's (`<name>_bench`, or
`<name>_bench_0_01` with BENCH_SCALE=0.01):

1. seeds it with `seed_scale` (1,000 accounts, 1.2 million calls, 600,000 messages, times
   BENCH_SCALE) unless the database already holds that seed (a marker in its comment);
   BENCH_RESEED=1 seeds afresh;
2. serves it with gunicorn, 2 workers, DEBUG off, and times every list and filter page of
   the biggest account, each page request paired with one of the floor page (/settings/)
   in the same loop (BENCH_ROUNDS pairs, default 40): p50, p95, p95 / floor's p95, and
   the page's SQL query count;
3. runs each export in a fresh process: its time and how much its peak memory grew;
4. times the platform API: single PUTs (2 clients at once) and a batch of 1,000 PUTs;
5. times the daily purge of one day's worth of data (the seed's extra expired day, kept
   in side tables and put back afterwards, so the next run has it again).
"""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
API_SINGLE = int(os.environ.get("BENCH_API_SINGLE", "400"))
MAX_SEED_AGE = timedelta(hours=float(os.environ.get("BENCH_MAX_SEED_AGE_HOURS", "72")))
FLOOR = "/settings/"
SERVER_ENV = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}
SIDE_TABLES = {
    # side table: (table, which rows are the expired day's)
    "bench_expired_call": ("calllog_call", "started_at < %(cutoff)s"),
    "bench_expired_message": ("messages_app_message", "taken_at < %(cutoff)s"),
    "bench_expired_event": (
        "messages_app_messageevent",
        "message_id IN (SELECT id FROM messages_app_message WHERE taken_at < %(cutoff)s)",
    ),
    "bench_expired_read": (
        "messages_app_messageread",
        "message_id IN (SELECT id FROM messages_app_message WHERE taken_at < %(cutoff)s)",
    ),
}


def bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "portal"
    suffix = "" if SCALE == 1 else "_" + f"{SCALE:g}".replace(".", "_")
    return urlunsplit(parts._replace(path=f"/{name}_bench{suffix}"))


def _admin(url: str):
    import psycopg

    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def ensure_database(url: str, *, fresh: bool) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _admin(url) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def size():
    from accounts.scale import ScaleSize

    full = ScaleSize()
    return ScaleSize(
        accounts=max(30, round(full.accounts * SCALE)),
        calls=round(full.calls * SCALE),
        messages=round(full.messages * SCALE),
    )


def prepare_database(url: str) -> dict:
    """Reuse the seed when it is the one wanted (and recent), else seed afresh; migrate;
    return the seed's marker. The marker is read before migrating: a database seeded by
    another version of seed_scale may not even migrate to this one's schema."""
    from django.core.management import call_command
    from django.db import connections

    from accounts import scale

    wanted = size()
    found = scale.marker()
    stale = found is not None and (
        datetime.now().astimezone() - datetime.fromisoformat(found["now"]) > MAX_SEED_AGE
    )
    matches = found is not None and all(
        found.get(k) == v for k, v in json.loads(wanted.label()).items()
    )
    if found is None or not matches or stale or os.environ.get("BENCH_RESEED") == "1":
        connections.close_all()
        ensure_database(url, fresh=True)
        call_command("migrate", verbosity=0)
        print(f"Seeding {wanted.label()} (seed_scale) ...", flush=True)
        started = time.perf_counter()
        report = scale.seed(wanted, progress=lambda text: print("  " + text, flush=True))
        rows = ", ".join(f"{count} {name}" for name, count in report.rows.items())
        print(f"  seeded in {time.perf_counter() - started:.0f} s: {rows}", flush=True)
        found = scale.marker()
    else:
        call_command("migrate", verbosity=0)
        print(f"Reusing the seed of {found['now']} ({wanted.label()})")
    return found


def keep_expired_day(cutoff: datetime) -> None:
    """Copy the expired day to side tables once; put it back if a purge removed it."""
    from django.db import connection

    with connection.cursor() as cursor:
        for side, (table, where) in SIDE_TABLES.items():
            cursor.execute("SELECT to_regclass(%s)", [side])
            if cursor.fetchone()[0] is None:
                cursor.execute(
                    f"CREATE TABLE {side} AS SELECT * FROM {table} WHERE {where}",
                    {"cutoff": cutoff},
                )
        restore_expired_day(cutoff)


def restore_expired_day(cutoff: datetime) -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM calllog_call WHERE started_at < %s", [cutoff])
        if cursor.fetchone()[0]:
            return
        for side, (table, _where) in SIDE_TABLES.items():
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_generated = 'NEVER' AND column_name IN "
                "(SELECT column_name FROM information_schema.columns WHERE table_name = %s)",
                [table, side],
            )
            columns = ", ".join(f'"{c}"' for (c,) in cursor.fetchall())
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {side}")
    # Rows put back around the portal's write functions: what a bulk load must do next.
    call_command("rebuild_rollups", verbosity=0, stdout=io.StringIO())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen:
    from django.conf import settings

    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    app = settings.WSGI_APPLICATION.rsplit(".", 1)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            f"{app[0]}:{app[1]}",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "-t",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body, _s = get(port, "/healthz", "")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def get(
    port: int,
    path: str,
    cookie: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict | None = None,
):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    connection.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
    response = connection.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, content, elapsed


def signed_in(user):
    """A test client signed in the way the portal expects: force_login goes through
    Django's login(), whose user_logged_in signal writes the session's record
    (accounts/sessions.py, which the session guard checks on every request); a user with
    two-factor sign-in also needs a second factor in the session (django_otp), or the
    guard signs the session out."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

    client = Client()
    client.force_login(user)
    device = next(iter(devices_for_user(user, confirmed=True)), None)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def session_cookie(user) -> str:
    """The cookie of such a session, for the requests to gunicorn (same database)."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return f"{name}={signed_in(user).cookies[name].value}"


def pages(account) -> list[tuple[str, str, int]]:
    """(name, path, the status it answers) of each page timed."""
    from django.utils import timezone

    from calllog.models import Call
    from messages_app.models import Message
    from oncall.models import Schedule

    n = account.number
    today = timezone.localdate(timezone=account.tzinfo)
    start = today - timedelta(days=58)
    weekdays = "&".join(f"days={d}" for d in ("mon", "tue", "wed", "thu", "fri"))
    message = Message.objects.for_account(account).order_by("-taken_at").first()
    call = Call.objects.for_account(account).order_by("-started_at").first()
    schedule = Schedule.objects.filter(account=account).first()
    inbox = f"/a/{n}/messages/"
    return [
        ("statistics, 59 days", f"/a/{n}/stats/?from={start}&to={today}", 200),
        (
            "statistics, nights+weekdays",
            f"/a/{n}/stats/?from={start}&to={today}&after=17:00&before=08:00&{weekdays}",
            200,
        ),
        ("call log, recent", f"/a/{n}/calls/", 200),
        ("call log, archive", f"/a/{n}/calls/?archive_page=10", 200),
        ("call log, caller=514555", f"/a/{n}/calls/?caller=514555", 200),
        ("billable calls", f"/a/{n}/billing/calls/", 200),
        ("inbox, urgent=1", f"{inbox}?urgent=1", 200),
        ("inbox, unread=1", f"{inbox}?unread=1", 200),
        ("inbox, unacknowledged urgent", f"{inbox}?unacknowledged=1&urgent=1", 200),
        ("inbox, q=berube", f"{inbox}?q=berube", 200),
        ("inbox, default", inbox, 200),
        ("inbox, page 50", f"{inbox}?page=50", 200),
        # The live inbox asks every few seconds: nothing new (204), and news (200).
        ("inbox poll, nothing new", f"{inbox}poll?after=999999999999", 204),
        ("inbox poll, news", f"{inbox}poll?after=0", 200),
        ("access log", f"/a/{n}/access-log/", 200),
        ("home", f"/a/{n}/", 200),
        (
            "on-call, month",
            f"/a/{n}/oncall/{schedule.pk}/" if schedule else f"/a/{n}/oncall/",
            200,
        ),
        ("message detail", f"{inbox}{message.pk}/", 200),
        ("call detail", f"/a/{n}/calls/{call.pk}/", 200),
        ("billing history", f"/a/{n}/billing/", 200),
    ]


EXPORTS = [
    ("messages xlsx", "/a/{n}/messages/export.xlsx"),
    ("messages csv", "/a/{n}/messages/export.csv"),
    ("calls xlsx", "/a/{n}/calls/export.xlsx"),
    ("calls csv", "/a/{n}/calls/export.csv"),
    ("billable calls xlsx", "/a/{n}/billing/calls/export.xlsx"),
    ("statistics xlsx", "/a/{n}/stats/export.xlsx"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def query_counts(user, listed) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(user)
    counts = {}
    for name, path, _status in [("floor", FLOOR, 200), *listed]:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[name] = len(queries)
    return counts


def time_pages(port: int, cookie: str, listed) -> list[tuple]:
    """Each page's p50 and p95 and the floor's p95 over the same rounds, and the first
    status that was not the expected one (None: every answer was)."""
    for _name, path, _status in listed:  # warm both workers
        for _ in range(2):
            get(port, path, cookie)
    rows = []
    for name, path, expected in listed:
        page_times, floor_times, wrong = [], [], None
        for _ in range(ROUNDS):
            floor_status, _b, floor = get(port, FLOOR, cookie)
            page_status, _b, elapsed = get(port, path, cookie)
            if wrong is None and page_status != expected:
                wrong = page_status
            if wrong is None and floor_status != 200:
                wrong = f"floor {floor_status}"
            floor_times.append(floor * 1000)
            page_times.append(elapsed * 1000)
        rows.append(
            (
                name,
                percentile(page_times, 0.5),
                percentile(page_times, 0.95),
                percentile(floor_times, 0.95),
                wrong,
            )
        )
    return rows


def export_in_subprocess(url: str, user_pk: int, path: str) -> dict:
    # The file itself is timed, made in this process: past EXPORT_INLINE_ROWS a user's
    # request would hand it to the worker, which makes the same file with the same writers.
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url, "EXPORT_INLINE_ROWS": "100000000"}
    out = subprocess.run(
        [sys.executable, __file__, "--export", str(user_pk), path],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_one_export(user_pk: int, path: str) -> None:
    """In a fresh process: one export, its time and how far the peak memory rose."""
    import django

    django.setup()
    from accounts.models import User

    client = signed_in(User.objects.get(pk=user_pk))
    client.get(FLOOR)
    baseline = _rss_mb()
    started = time.perf_counter()
    response = client.get(path)
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    elapsed = time.perf_counter() - started
    peak = _status_mb("VmHWM")
    print(
        json.dumps(
            {
                "status": response.status_code,
                "seconds": elapsed,
                "growth_mb": max(0.0, peak - baseline),
                "bytes": size,
            }
        )
    )


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"No {field} in /proc/self/status")


def api_figures(port: int, account_number: int, seed_now: datetime) -> dict:
    from api.models import ApiToken

    ApiToken.objects.filter(name="bench").delete()
    _token, secret = ApiToken.issue("bench")
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    base = seed_now - timedelta(hours=1)
    run = int(time.time())

    def body(i: int) -> dict:
        at = base - timedelta(seconds=i)
        return {
            "taken_at": at.isoformat(),
            "taken_by": "A07",
            "subject": f"Demande de rappel {run}",
            "caller_name": "Geneviève Bérubé",
            "caller_number": "514-555-0142",
            "urgent": i % 10 == 0,
            "fields": [{"label": "Problème", "value": "Fuite d'eau sous l'évier"}],
            "events": [
                {"at": (at + timedelta(seconds=30)).isoformat(), "kind": "taken", "target": "A07"},
                {"at": (at + timedelta(seconds=90)).isoformat(), "kind": "dispatched"},
                {
                    "at": (at + timedelta(seconds=95)).isoformat(),
                    "kind": "sms_sent",
                    "target": "514 555-0117",
                },
            ],
        }

    path = f"/api/v1/accounts/{account_number}/messages/bench-single-{{}}"
    statuses: list[int] = []

    def client(indexes):
        for i in indexes:
            status, _b, _e = get(
                port, path.format(i), "", "PUT", json.dumps(body(i)).encode(), headers
            )
            statuses.append(status)

    get(port, path.format(0), "", "PUT", json.dumps(body(0)).encode(), headers)
    threads = [threading.Thread(target=client, args=(range(k, API_SINGLE, 2),)) for k in (0, 1)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    single = API_SINGLE / (time.perf_counter() - started)
    operations = [
        {
            "method": "PUT",
            "path": f"/api/v1/accounts/{account_number}/messages/bench-batch-{i}",
            "body": body(i),
        }
        for i in range(1000)
    ]
    batch = json.dumps({"operations": operations}).encode()
    status, _content, elapsed = get(port, "/api/v1/batch", "", "POST", batch, headers)
    # The same batch again: every message is found and left unchanged (a retry).
    again_status, _content, again = get(port, "/api/v1/batch", "", "POST", batch, headers)
    return {
        "single_per_s": single,
        "single_statuses": sorted(set(statuses)),
        "batch_per_s": 1000 / elapsed,
        "batch_status": status,
        "batch_again_per_s": 1000 / again,
        "batch_again_status": again_status,
    }


def purge_figures(cutoff: datetime) -> list[tuple[str, int, float]]:
    from portal.registry import purgers

    rows = []
    for name, purge in purgers:
        started = time.perf_counter()
        removed = purge(cutoff, 500)
        rows.append((name, removed, time.perf_counter() - started))
    restore_expired_day(cutoff)
    return rows


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB; load average {load}"


def run() -> None:
    url = bench_database_url()
    ensure_database(url, fresh=False)
    os.environ.update({**SERVER_ENV, "DATABASE_URL": url})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts import scale
    from accounts.models import Account, User

    found = prepare_database(url)
    seed_now = datetime.fromisoformat(found["now"])
    cutoff = scale.expired_cutoff(seed_now)
    keep_expired_day(cutoff)
    call_command("collectstatic", interactive=False, verbosity=0)
    account = Account.objects.get(number=scale.BIG_NUMBER)
    user = User.objects.get(username=scale.BENCH_USER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
    big_calls = account.calls.count()
    big_messages = account.messages.count()
    print(f"Machine: {machine()}")
    print(
        f"Database {urlsplit(url).path.lstrip('/')} ({db_size}); account {account.number}: "
        f"{big_calls} calls, {big_messages} messages; BENCH_SCALE={SCALE:g}, {ROUNDS} rounds"
    )
    listed = pages(account)
    counts = query_counts(user, listed)
    connection.close()
    port = free_port()
    server = start_server(url, port)
    try:
        cookie = session_cookie(user)
        rows = time_pages(port, cookie, listed)
        print()
        print(
            f"{'page (gunicorn, 2 workers)':<32}{'p50 ms':>9}{'p95 ms':>9}{'floor p95':>11}"
            f"{'ratio':>8}{'queries':>9}"
        )
        floor_q = counts["floor"]
        for name, p50, p95, floor95, wrong in rows:
            flag = "" if wrong is None else f"  [answered {wrong}]"
            print(
                f"{name:<32}{p50:9.0f}{p95:9.0f}{floor95:11.0f}{p95 / floor95:7.1f}x"
                f"{counts[name]:9d}{flag}"
            )
        print(f"{'(floor: ' + FLOOR + ')':<32}{'':>9}{'':>9}{'':>11}{'':>8}{floor_q:9d}")
        print()
        print(f"{'export (one process each)':<32}{'seconds':>9}{'peak +MB':>10}{'size KB':>10}")
        for name, path in EXPORTS:
            figures = export_in_subprocess(url, user.pk, path.format(n=account.number))
            if "error" in figures:
                print(f"{name:<32}  failed: {figures['error']}")
                continue
            flag = "" if figures["status"] == 200 else f"  [{figures['status']}]"
            print(
                f"{name:<32}{figures['seconds']:9.2f}{figures['growth_mb']:10.1f}"
                f"{figures['bytes'] / 1024:10.0f}{flag}"
            )
        print()
        other = Account.objects.exclude(pk=account.pk).order_by("number").first()
        api = api_figures(port, other.number, seed_now)
        print(
            f"API single PUT (2 clients): {api['single_per_s']:.0f}/s "
            f"(statuses {api['single_statuses']})"
        )
        print(
            f"API batch of 1,000 PUTs: {api['batch_per_s']:.0f} operations/s "
            f"(status {api['batch_status']}); the same batch again: "
            f"{api['batch_again_per_s']:.0f} operations/s (status {api['batch_again_status']})"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    for name, removed, seconds in purge_figures(cutoff):
        print(f"daily purge, {name}: {removed} rows in {seconds:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--export":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        run_one_export(int(sys.argv[2]), sys.argv[3])
    else:
        run()
