"""The named cast used everywhere:

alice  manager of 5201          bob    member of 5201
carol  billing of 5201          dave   manager of 7300 (another client, another billing number)
erin   member of 5201 and 7300
support  staff and superuser, for the admin
"""

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, make_account, make_user, verify_session


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Each test starts in English: a language left active by another test never leaks."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _recordings_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "recordings")},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("recordings", None)
    yield
    storages._storages.pop("recordings", None)


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    """Export files and queued attachments go to this test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports")},
        },
    }


@pytest.fixture
def run_tasks():
    """Run the queued tasks that are due, as `manage.py run_worker` runs each one
    (django-tasks-db's Worker.run_task), inside this test's transaction. Returns a
    function; calling it runs tasks until none is due and returns how many ran."""
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

    def run(limit: int = 200) -> int:
        ran = 0
        while ran < limit:
            result = DBTaskResult.objects.ready().first()
            if result is None:
                break
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    return run


@pytest.fixture
def queued_mail(settings):
    """E-mail as the portal's settings send it: Django's mail API only stores and queues
    each message (jobs/mail.py) and the worker (`run_tasks`) hands it to a mail server,
    here one that keeps it in mail.outbox. Without this fixture Django's test runner
    makes every mailer put each message straight into mail.outbox."""
    settings.MAILERS = {
        "default": {"BACKEND": "jobs.mail.QueuedEmailBackend", "OPTIONS": {"mailer": "direct"}},
        "direct": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }


@pytest.fixture
def process_env(db, settings, tmp_path):
    """Environment for a manage.py process (worker, scheduler, gunicorn) started by a
    test: this test's database, production settings, folders of its own."""
    import os

    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": url,
        "SECRET_KEY": "test-process-key-3b7c1f0e9a-long-enough-for-check-deploy-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(tmp_path / "process-media"),
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture(autouse=True)
def _responses_closed(monkeypatch):
    """Every streamed response a test client got is closed when the test ends, as a WSGI
    server closes each one: a download the test did not read leaves no file open."""
    streamed = []
    request = Client.request

    def request_and_keep(self, **environ):
        response = request(self, **environ)
        if response.streaming:
            streamed.append(response)
        return response

    monkeypatch.setattr(Client, "request", request_and_keep)
    yield
    # As the test client does: closing fires request_finished, which must not reach
    # for the database (the test's own is gone by now).
    request_finished.disconnect(close_old_connections)
    try:
        for response in streamed:
            response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture
def account(db):
    return make_account(5201, "Plomberie Test inc.", timezone="America/Toronto", language="fr")


@pytest.fixture
def other_account(db):
    return make_account(7300, "Other Client Ltd.", billing="781990", language="en")


@pytest.fixture
def alice(account):
    return make_user("alice", (account, "manager"))


@pytest.fixture
def bob(account):
    return make_user("bob", (account, "member"))


@pytest.fixture
def carol(account):
    return make_user("carol", (account, "billing"))


@pytest.fixture
def dave(other_account):
    return make_user("dave", (other_account, "manager"))


@pytest.fixture
def erin(account, other_account):
    return make_user("erin", (account, "member"), (other_account, "member"))


@pytest.fixture
def support(db):
    return User.objects.create_superuser("support", "support@example.com", PASSWORD)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def verified(user) -> Client:
    """Signed in with both factors (what /admin/ requires of staff)."""
    client = Client()
    verify_session(client, user)
    return client


@pytest.fixture
def alice_client(alice):
    return signed_in(alice)


@pytest.fixture
def bob_client(bob):
    return signed_in(bob)


@pytest.fixture
def carol_client(carol):
    return signed_in(carol)


@pytest.fixture
def dave_client(dave):
    return signed_in(dave)


@pytest.fixture
def erin_client(erin):
    return signed_in(erin)


@pytest.fixture
def staff_client(support):
    """`support` in the admin, signed in with a second factor as the admin requires."""
    return verified(support)


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


@pytest.fixture
def enqueued_tasks():
    """The background tasks enqueued during the test, whatever the backend (each a
    TaskResult: .task, .args, .kwargs; run one here with task.call(*args, **kwargs))."""
    from django.tasks.signals import task_enqueued

    results = []

    def collect(sender, task_result, **kwargs):
        results.append(task_result)

    task_enqueued.connect(collect)
    yield results
    task_enqueued.disconnect(collect)
