"""A real HTTP receiver in the test process, a clock the tests move, and a worker to run.

- `receiver`: a threaded HTTP server on 127.0.0.1 that records every POST (headers, raw
  body, the clock's time) and answers from a script (`receiver.answers = [500, 500]`,
  then 200), or holds a request open until released (`receiver.hold_next()`).
- `clock`: `django.utils.timezone.now` frozen at a whole second; `clock.advance(minutes=1)`
  moves it (the task queue, the outbox and the receiver all read it).
- `run_tasks()`: what `manage.py db_worker --batch` does, in this process and inside the
  test's transaction: run every task that is due now, until none is.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from webhooks.signing import HEADER, verify


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: datetime

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def timestamp(self) -> int:
        parts = dict(item.split("=", 1) for item in self.headers[HEADER].split(","))
        return int(parts["t"])

    def signed_with(self, secret: str) -> bool:
        return verify(self.headers[HEADER], secret, self.body, now=self.at.timestamp())


class Receiver:
    def __init__(self) -> None:
        self.answers: list[int] = []
        self.received: list[Received] = []
        self._arrived = threading.Condition()
        self._hold: threading.Event | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hold, receiver._hold = receiver._hold, None
                with receiver._arrived:
                    receiver.received.append(
                        Received(dict(self.headers.items()), body, timezone.now())
                    )
                    receiver._arrived.notify_all()
                if hold is not None:
                    hold.wait(timeout=30)
                status = receiver.answers.pop(0) if receiver.answers else 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"ok" if status < 300 else b"receiver error")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (a timeout, or a killed worker)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/portal"

    def hold_next(self) -> threading.Event:
        """The next request gets no answer until the returned event is set."""
        self._hold = threading.Event()
        return self._hold

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)
        assert len(self.received) >= count, f"{len(self.received)} of {count} arrived"
        return self.received


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    if receiver._hold is not None:
        receiver._hold.set()
    receiver.server.shutdown()
    receiver.server.server_close()


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """run_tasks() -> how many tasks ran; a task that failed fails the test."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )

    def run() -> int:
        ran = 0
        while True:
            # What commits in a real worker is only captured here: run its wake-ups too.
            with django_capture_on_commit_callbacks(execute=True):
                task = DBTaskResult.objects.ready().first()
                if task is None:
                    break
                task.claim(worker.worker_id)
                worker.run_task(task)
            ran += 1
        failed = DBTaskResult.objects.failed().first()
        assert failed is None, failed.traceback
        return ran

    return run
