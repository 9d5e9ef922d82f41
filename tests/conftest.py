"""The named cast used everywhere (DESIGN.md):

alice  manager of 5201          bob    member of 5201
carol  billing of 5201          dave   manager of 7300 (another client, another billing number)
erin   member of 5201 and 7300
"""

import pytest
from django.test import Client

from tests.factories import make_account, make_user, verify_session


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
def admin_client(admin_user):
    """pytest-django's admin_client, signed in with a second factor as the admin requires."""
    return verified(admin_user)


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
