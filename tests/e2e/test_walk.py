"""Every page a manager can reach, in a real browser, on a phone and on a desktop, in
French and in English: nothing wider than the screen, no serious accessibility fault,
and nothing raw on screen (query strings, time-zone names, the platform's own keys).

The list of pages is built from the URL configuration: every route of an account
(/a/<number>/...) and of the user's settings, each parameter filled with one object of
its kind from the demo (seed_demo), or else made by the tenancy walker's maker of that
keyword (tests/<app>/tenancy.py), and kept when a GET answers 200 with a page. A new
page is walked without touching this file.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Account, User
from tests.e2e.conftest import PHONE, axe_violations
from tests.tenancy_registry import url_object_makers

# Routes outside a manager's pages: the admin (staff), the platform's API (JSON), the
# calendar feeds (read by calendar apps), the sign-in and password-reset pages (signed
# out), and routes that only redirect or answer machines.
NOT_PAGES = (
    "admin/",
    "api/",
    "ical/",
    "login/",
    "logout/",
    "password-reset/",
    "switch/",
    "language/",
    "healthz",
)
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# What must never reach the screen.
RAW_QUERY = re.compile(r"(?:^|[?&\s])(?:from|to|urgent|unread|unacknowledged|page|q|view|date)=\S")
IANA_ZONE = re.compile(
    r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Z]"
)
SNAKE_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")
# Labels French shares with English: not a sign of an untranslated key.
SAME_IN_FRENCH = {"Type", "Date", "Description", "Total"}
# Views of a page that its query string selects (the routes give the default view).
VIEWS = {
    "/a/N/oncall/N/": ("?view=month", "?view=day"),
    "/a/N/messages/": ("?urgent=1&unread=1",),
}
COMBINATIONS = [
    ("fr", PHONE),
    ("fr", {"width": 1280, "height": 800}),
    ("en", PHONE),
    ("en", {"width": 1280, "height": 800}),
]


def routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name


def samples(account: Account, manager: User) -> dict[str, list[str]]:
    """One object of each kind (two calls: one with its voice, one with details)."""
    from billing.models import Invoice
    from calllog.models import Call
    from directory.models import InfoPage
    from messages_app.models import Message
    from oncall.models import FeedLink, Schedule, Shift

    schedule = Schedule.objects.filter(account=account).order_by("pk").first()
    assert schedule is not None
    shift = (
        Shift.objects.filter(schedule=schedule, starts_at__gte=timezone.now() - timedelta(days=1))
        .order_by("starts_at")
        .first()
    )
    assert shift is not None
    feed = FeedLink.objects.filter(schedule=schedule).first()
    recorded = Call.objects.filter(account=account).exclude(recording="").order_by("-pk")[0]
    transaction = (
        Call.objects.filter(account=account, details__has_key="status").order_by("-pk").first()
    )
    message = Message.objects.filter(account=account, urgent=True).order_by("-pk")[0]
    invoice = Invoice.objects.filter(billing_account=account.billing_account).order_by("-pk")[0]
    page = InfoPage.objects.filter(account=account).order_by("pk")[0]
    # An export page, made as a user makes one: the inbox's PDF of a filter.
    client = Client()
    client.force_login(manager)
    with override_settings(EXPORT_INLINE_ROWS=0):  # made by the worker, whatever its size
        response = client.get(
            f"/a/{account.number}/messages/export.pdf",
            {"from": (timezone.localdate() - timedelta(days=5)).isoformat(), "urgent": "1"},
        )
    assert response.status_code == 302, response
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    values = {
        "number": [account.number],
        "message_id": [message.pk],
        "call_id": [recorded.pk] + ([transaction.pk] if transaction else []),
        "schedule_id": [schedule.pk],
        "shift_id": [shift.pk],
        "feed_id": [feed.pk if feed else 0],
        "invoice_id": [invoice.pk],
        "page_id": [page.pk],
        "job_id": [job_id],
        "session_id": [0],
    }
    return {name: [str(v) for v in vs] for name, vs in values.items()}


def manager_pages(account: Account, manager: User) -> list[str]:
    """Every URL of the configuration a manager's browser shows as a page."""
    values = samples(account, manager)
    makers = url_object_makers()
    urls: list[str] = []
    for route, _name in routes(get_resolver().url_patterns):
        if route.startswith(NOT_PAGES) or route.startswith("^") or route == "":
            continue
        names = [m["name"] for m in PARAMETER.finditer(route)]
        for name in names:
            if name not in values:
                # A keyword the demo gives no sample of: the tenancy walker's maker.
                maker = makers.get(name)
                assert maker, f"No sample for <{name}> in {route}: add one to samples()."
                values[name] = [str(maker(account))]
        filled = [route]
        for name in names:
            filled = [
                PARAMETER.sub(lambda m, v=v, n=name: v if m["name"] == n else m[0], url, count=0)
                for url in filled
                for v in values[name]
            ]
        urls += ["/" + url for url in filled]
    # Other views of a page, which its query string selects.
    for url in list(urls):
        urls += [url + query for query in VIEWS.get(re.sub(r"/\d+", "/N", url), ())]
    client = Client()
    client.force_login(manager)
    pages = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(url)
    return pages


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    account = Account.objects.get(number=5201)
    manager = User.objects.get(username="marie")
    return account, manager


def visible_problems(page, language: str, keys: set[str]) -> list[str]:
    text = page.evaluate("document.body.innerText")
    problems = []
    for pattern, what in ((RAW_QUERY, "raw query string"), (IANA_ZONE, "time-zone name")):
        found = pattern.search(text)
        if found:
            problems.append(f"{what}: {text[max(0, found.start() - 40) : found.end() + 40]!r}")
    # Dates are chosen with the browser's own picker, never typed to a pattern.
    for name, kind, placeholder in page.evaluate(
        "Array.from(document.querySelectorAll('main input[name=from], main input[name=to],"
        " main input[name=date]')).map(e => [e.name, e.type, e.placeholder])"
    ):
        if kind not in ("date", "datetime-local") or placeholder:
            problems.append(f"date field {name!r} is a {kind} box {placeholder!r}")
    labels = page.evaluate(
        "Array.from(document.querySelectorAll('main dt, main th, main label, main legend'))"
        ".filter(e => e.offsetParent !== null || e.getClientRects().length)"
        ".map(e => e.innerText.trim())"
    )
    for label in labels:
        if SNAKE_KEY.search(label):
            problems.append(f"platform key as a label: {label!r}")
        if language == "fr" and label not in SAME_IN_FRENCH:
            for key in keys:
                english = key.replace("_", " ").capitalize()
                if label in (key, english) or label.startswith(f"{english} · "):
                    problems.append(f"untranslated platform key: {label!r}")
    return problems


def test_every_page_fits_passes_axe_and_shows_nothing_raw(demo, live_server, browser):
    from calllog.models import Call

    account, manager = demo
    pages = manager_pages(account, manager)
    walked = {re.sub(r"/[0-9a-f-]{36}|/\d+", "/N", url) for url in pages}
    # The list is the configuration's: these must be among what it gives.
    for expected in (
        "/a/N/",
        "/a/N/messages/",
        "/a/N/messages/N/",
        "/a/N/calls/",
        "/a/N/calls/N/",
        "/a/N/oncall/N/",
        "/a/N/oncall/N/shifts/N/",
        "/a/N/billing/",
        "/a/N/billing/invoices/N/",
        "/a/N/billing/calls/",
        "/a/N/stats/",
        "/a/N/access-log/",
        "/a/N/settings/",
        "/a/N/exports/N/",
        "/a/N/directory/",
        "/a/N/info/N/",
        "/settings/",
    ):
        assert expected in walked, f"{expected} not walked; walked: {sorted(walked)}"
    keys = {
        key
        for details in Call.objects.exclude(details={}).values_list("details", flat=True)
        if isinstance(details, dict)
        for key in details
    }
    assert keys, "the demo's transactions have details"

    failures: list[str] = []
    for language, viewport in COMBINATIONS:
        User.objects.filter(pk=manager.pk).update(language=language)
        context = browser.new_context(viewport=viewport, locale=f"{language}-CA")
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.locator("#id_username").fill(manager.username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/a/**")
        for url in pages:
            where = f"{language} {viewport['width']}px {url}"
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None
            if response.status != 200:
                failures.append(f"{where}: status {response.status}")
                continue
            assert page.locator("html").get_attribute("lang") == language, where
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                failures.append(f"{where}: {width}px wide")
            for violation in axe_violations(page):
                failures.append(f"{where}: axe {violation}")
            problems = visible_problems(page, language, keys)
            failures += [f"{where}: {problem}" for problem in problems]
        context.close()
    assert not failures, "\n".join(failures)
