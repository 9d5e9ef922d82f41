"""The demo read in both languages, as marie (French) and james (English) would: no raw query
string, IANA zone name, platform key or untranslated status on any page they reach."""

import io
import re

import pytest
from django.core.management import call_command

from accounts.models import User
from calllog.models import Call
from oncall.models import Shift
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=False)

RAW = [
    re.compile(r"\b(from|to|urgent|unread|q|ids|view|date)=[\w-]"),  # a query string
    re.compile(r"\b(America|Europe|Asia|Africa|Pacific|Australia)/[A-Z]"),  # an IANA zone
    re.compile(r"\b(mailbox full|mailbox_full)\b"),  # a platform value, untranslated
]
FRENCH_SLIPS = [
    re.compile(r">\s*Ouvrir\s*<"),  # the verb where a status is meant
    re.compile(r"\b(Jan|Fév|Mars|Avr|Juil|Sept|Oct|Nov|Déc)\b\.?"),  # capitalised months
]


def visible_text(html: str) -> str:
    """The words a person reads: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pages(number: int) -> list[str]:
    base = f"/a/{number}/"
    return [
        base,
        base + "messages/",
        base + "calls/",
        base + "oncall/",
        base + "billing/",
        base + "billing/calls/",
        base + "directory/",
        base + "directory/requests/",
        base + "info/",
        base + "stats/",
        base + "access-log/",
    ]


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def test_no_raw_string_on_the_demo_pages(demo):
    problems, read = [], []
    for username in ("marie", "james"):
        user = User.objects.get(username=username)
        client = signed_in(user)
        account = user.memberships.order_by("pk").first().account
        urls = pages(account.number)
        sent = Call.objects.filter(account=account, kind="transaction").exclude(details={})
        urls += [f"/a/{account.number}/calls/{call.pk}/" for call in sent[:3]]
        shift = Shift.objects.filter(schedule__account=account).order_by("-starts_at").first()
        if shift is not None:
            schedule = f"/a/{account.number}/oncall/{shift.schedule_id}/"
            urls += [f"{schedule}shifts/{shift.pk}/", f"{schedule}?view=month"]
        for url in urls:
            response = client.get(url, follow=True)
            if response.status_code == 403:
                continue  # a section this role does not open
            assert response.status_code == 200, (username, url, response.status_code)
            read.append(url)
            text = visible_text(response.content.decode())
            for pattern in RAW + (FRENCH_SLIPS if user.language == "fr" else []):
                found = pattern.search(text)
                if found:
                    start = max(found.start() - 40, 0)
                    problems.append((username, url, text[start : found.end() + 40]))
    assert len(read) >= 20  # both people read most pages, transactions included
    assert problems == []
