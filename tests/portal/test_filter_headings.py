"""A list says its chosen filter in words under its count (docs/architecture.md, "Shared
pieces": portal.words), never as a query string; the plain list says nothing more."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import signed_in
from tests.factories import make_call, make_message


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "From 20 to 25 November 2026, urgent only"),
        ("fr", "Du 20 au 25 novembre 2026, urgents seulement"),
    ],
)
def test_the_inbox_says_its_filter_in_words(alice, account, language, words):
    alice.language = language
    alice.save(update_fields=["language"])
    client = signed_in(alice)
    make_message(account, subject="Fuite", urgent=True)

    page = client.get(
        f"/a/{account.number}/messages/", {"from": "2026-11-20", "to": "2026-11-25", "urgent": "1"}
    ).content.decode()

    assert 'data-testid="filter-words"' in page
    assert words in page.replace("\u00a0", " ")
    assert "urgent=1" not in page.split('data-testid="filter-words">')[1].split("</p>")[0]


def test_the_plain_inbox_and_call_log_say_no_filter(alice_client, account):
    make_message(account)
    make_call(account, timezone.now() - timedelta(hours=1))
    for section in ("messages", "calls"):
        page = alice_client.get(f"/a/{account.number}/{section}/").content.decode()
        assert 'data-testid="filter-words"' not in page, section


def test_the_call_log_says_its_filter_in_words(alice_client, account):
    make_call(account, timezone.now() - timedelta(hours=1), agent="SY1")

    page = alice_client.get(f"/a/{account.number}/calls/", {"agent": "SY1"}).content.decode()

    words = page.split('data-testid="filter-words">')[1].split("</p>")[0]
    assert "SY1" in words and "agent=" not in words
