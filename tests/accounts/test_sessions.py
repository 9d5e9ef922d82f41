"""Sessions: an absolute lifetime, the list of open sessions, ending them, and the
e-mail about a sign-in from a browser the user has not used before."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import KnownBrowser, UserSession
from accounts.sessions import purge_dead_sessions
from accounts.signin import BROWSER_COOKIE
from accounts.tasks import send_new_browser_notice
from tests.conftest import signed_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def sign_in(client: Client, username: str = "alice", address: str = "192.0.2.10"):
    return client.post("/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


@pytest.fixture
def clock(monkeypatch):
    """Moves the portal's clock forward (sessions expire by it)."""

    class Clock:
        offset = timedelta()

        def forward(self, delta: timedelta) -> None:
            self.offset += delta

    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + clock.offset)
    return clock


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(alice, account, clock):
    client = Client()
    sign_in(client)
    home = f"/a/{account.number}/"
    for _ in range(35):  # a request every 20 minutes, for 11 h 40 min
        clock.forward(timedelta(minutes=20))
        assert client.get(home).status_code == 200
    clock.forward(timedelta(minutes=20))
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={home}"
    assert not UserSession.objects.filter(user=alice).exists()
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "a session lasts at most 12 hours" in page


def test_a_session_ends_after_thirty_idle_minutes(alice, account, clock):
    client = signed_in(alice)
    clock.forward(timedelta(minutes=29))
    assert client.get(f"/a/{account.number}/").status_code == 200
    clock.forward(timedelta(minutes=31))
    assert client.get(f"/a/{account.number}/").status_code == 302


def test_the_lifetime_follows_session_max_hours(alice, account, settings, clock):
    settings.SESSION_MAX_HOURS = 1
    client = signed_in(alice)
    clock.forward(timedelta(minutes=25))
    assert client.get(f"/a/{account.number}/").status_code == 200
    clock.forward(timedelta(minutes=25))
    assert client.get(f"/a/{account.number}/").status_code == 200
    clock.forward(timedelta(minutes=11))
    assert client.get(f"/a/{account.number}/").status_code == 302


def test_a_password_change_keeps_this_session_and_its_start(alice, account):
    client = signed_in(alice)
    started = UserSession.objects.get(user=alice).started_at
    other = signed_in(alice)
    response = client.post(
        "/settings/",
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-pass-phrase",
            "new_password2": "n3w-pass-phrase",
        },
    )
    assert response.status_code == 302
    row = UserSession.objects.get(user=alice)
    assert row.session_key == client.session.session_key
    assert row.started_at == started
    assert client.get(f"/a/{account.number}/").status_code == 200
    assert other.get(f"/a/{account.number}/").status_code == 302


def test_a_session_whose_record_is_gone_is_over_within_a_minute(alice, account, clock):
    """Even if the session engine still holds it (a cache may write it back)."""
    client = signed_in(alice)
    UserSession.objects.filter(user=alice).delete()
    clock.forward(timedelta(seconds=61))
    assert client.get(f"/a/{account.number}/").status_code == 302
    assert "_auth_user_id" not in client.session


# The list of open sessions.


def test_settings_list_the_open_sessions_with_this_one_marked(alice):
    phone = Client(HTTP_USER_AGENT=IPHONE)
    sign_in(phone, address="203.0.113.77")
    desk = Client(HTTP_USER_AGENT=FIREFOX)
    sign_in(desk)
    response = desk.get("/settings/")
    html = response.content.decode()
    assert html.count('data-testid="open-session"') == 2
    assert html.count('data-testid="this-session"') == 1
    assert "Safari on iPhone" in html and "203.0.113.77" in html
    assert "Firefox on Windows" in html
    mine = next(s for s in response.context["open_sessions"] if s["current"])
    assert mine["browser"] == "Firefox on Windows"


def test_sessions_of_other_users_and_dead_ones_are_not_listed(alice, bob):
    signed_in(bob)
    old = signed_in(alice)
    UserSession.objects.filter(session_key=old.session.session_key).update(
        last_seen=timezone.now() - timedelta(hours=1)
    )
    client = signed_in(alice)
    assert len(client.get("/settings/").context["open_sessions"]) == 1


def test_ending_another_session_signs_that_browser_out(alice, account):
    other = signed_in(alice)
    client = signed_in(alice)
    row = UserSession.objects.get(session_key=other.session.session_key)
    response = client.post(f"/settings/sessions/{row.pk}/end/")
    assert response.status_code == 302
    assert other.get(f"/a/{account.number}/").status_code == 302
    assert client.get(f"/a/{account.number}/").status_code == 200


def test_ending_this_session_signs_out(alice, account):
    client = signed_in(alice)
    row = UserSession.objects.get(user=alice)
    assert client.post(f"/settings/sessions/{row.pk}/end/")["Location"] == "/login/"
    assert client.get(f"/a/{account.number}/").status_code == 302


def test_ending_all_other_sessions(alice, account):
    others = [signed_in(alice) for _ in range(3)]
    client = signed_in(alice)
    assert client.post("/settings/sessions/end-others/").status_code == 302
    assert all(o.get(f"/a/{account.number}/").status_code == 302 for o in others)
    assert client.get(f"/a/{account.number}/").status_code == 200
    assert UserSession.objects.filter(user=alice).count() == 1


def test_another_users_session_cannot_be_ended(alice, bob, account):
    bobs = signed_in(bob)
    row = UserSession.objects.get(user=bob)
    assert signed_in(alice).post(f"/settings/sessions/{row.pk}/end/").status_code == 404
    assert signed_in(alice).post("/settings/sessions/999999/end/").status_code == 404
    assert bobs.get(f"/a/{account.number}/").status_code == 200


def test_ending_a_session_is_a_post(alice):
    client = signed_in(alice)
    row = UserSession.objects.get(user=alice)
    assert client.get(f"/settings/sessions/{row.pk}/end/").status_code == 405
    assert UserSession.objects.filter(pk=row.pk).exists()


def test_settings_page_queries_do_not_grow_with_sessions(alice, django_assert_max_num_queries):
    client = signed_in(alice)
    with django_assert_max_num_queries(16) as few:
        client.get("/settings/")
    for _ in range(5):
        signed_in(alice)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/settings/")


# A browser the user has not used before.


@pytest.fixture
def enqueued_notices(enqueued_tasks):
    return lambda: [r for r in enqueued_tasks if r.task.name == send_new_browser_notice.name]


def run(results) -> None:
    for result in results:
        result.task.call(*result.args, **result.kwargs)


def test_a_sign_in_from_a_new_browser_sends_an_email(
    alice, mailoutbox, enqueued_notices, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client(HTTP_USER_AGENT=FIREFOX))  # the first browser ever: nothing to compare
    assert enqueued_notices() == []
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client(HTTP_USER_AGENT=IPHONE), address="203.0.113.77")
    assert len(enqueued_notices()) == 1
    run(enqueued_notices())
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.com"]
    assert "New sign-in" in mail.subject
    assert "Safari on iPhone" in mail.body
    assert "203.0.113.77" in mail.body
    assert "America/Toronto" in mail.body
    assert "http://testserver/settings/" in mail.body
    # Run twice (a retry): still one e-mail.
    run(enqueued_notices())
    assert len(mailoutbox) == 1


def test_the_new_browser_email_goes_out_through_the_mail_queue(
    alice, queued_mail, run_tasks, django_capture_on_commit_callbacks
):
    from django.core import mail

    from jobs.models import QueuedEmail

    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client(HTTP_USER_AGENT=FIREFOX))
        sign_in(Client(HTTP_USER_AGENT=IPHONE), address="203.0.113.77")
    assert run_tasks() == 2  # the notice (which only queues the e-mail), then its delivery
    (sent,) = mail.outbox
    assert sent.to == ["alice@example.com"] and "Safari on iPhone" in sent.body
    assert not QueuedEmail.objects.exists()


def test_a_browser_already_used_sends_nothing(
    alice, enqueued_notices, django_capture_on_commit_callbacks
):
    browser = Client(HTTP_USER_AGENT=FIREFOX)
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client())
        sign_in(browser)
    assert len(enqueued_notices()) == 1
    browser.post("/logout/")
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(browser)
    assert len(enqueued_notices()) == 1
    assert browser.cookies[BROWSER_COOKIE]["httponly"]
    assert KnownBrowser.objects.filter(user=alice).count() == 2


def test_a_browser_known_to_another_user_is_new_for_this_one(
    alice, bob, enqueued_notices, django_capture_on_commit_callbacks
):
    shared = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client(), "bob")
        sign_in(shared, "alice")
        shared.post("/logout/")
        sign_in(shared, "bob")
    assert len(enqueued_notices()) == 1


def test_the_email_is_in_the_users_language(
    alice, mailoutbox, enqueued_notices, django_capture_on_commit_callbacks
):
    alice.language = "fr"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client())
        sign_in(Client(HTTP_USER_AGENT=FIREFOX))
    run(enqueued_notices())
    assert "Nouvelle connexion" in mailoutbox[0].subject
    assert "Firefox sur Windows" in mailoutbox[0].body


def test_the_daily_purge_drops_records_of_ended_sessions_and_forgotten_browsers(alice, clock):
    sign_in(Client())
    signed_in(alice)
    assert purge_dead_sessions() == 0
    clock.forward(timedelta(hours=13))
    assert purge_dead_sessions() == 2
    assert KnownBrowser.objects.filter(user=alice).exists()
    clock.forward(timedelta(days=401))
    assert purge_dead_sessions() == 1
