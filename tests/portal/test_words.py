"""A filter, a range of days and a platform key, said in words in both languages."""

from datetime import date

import pytest
from django.utils import translation

from calllog.forms import CallFilterForm
from messages_app.forms import InboxFilterForm
from portal.words import date_range, describe_filter, humanize_key
from tests.factories import make_account


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "from 20 to 25 November 2026, urgent only"),
        ("fr", "du 20 au 25 novembre 2026, urgents seulement"),
    ],
)
def test_the_inbox_filter_reads_as_a_sentence(lang, expected):
    account = make_account(5201)
    with translation.override(lang):
        form = InboxFilterForm(
            {"from": "2026-11-20", "to": "2026-11-25", "urgent": "1"}, account=account
        )
        assert form.is_valid(), form.errors
        text = describe_filter(form)
    assert text == expected
    assert "=" not in text and "&" not in text


@pytest.mark.django_db
def test_text_times_and_choices_are_said_not_coded():
    account = make_account(5201)
    with translation.override("fr"):
        form = CallFilterForm(
            {
                "from": "2026-12-01T08:00",
                "to": "2026-12-05",
                "caller": "Dupont",
                "kind": "transaction",
            },
            account=account,
        )
        assert form.is_valid(), form.errors
        text = form.describe()
    assert text.startswith("du 1er décembre 2026 à 08:00 au 5 décembre 2026")
    assert "appelant «\u00a0Dupont\u00a0»" in text
    assert "type\u00a0: Transaction" in text


def test_date_ranges_shorten_what_repeats():
    with translation.override("en"):
        assert (
            date_range(date(2026, 11, 20), date(2026, 12, 5))
            == "from 20 November to 5 December 2026"
        )
        assert date_range(date(2026, 12, 30), date(2027, 1, 2)) == (
            "from 30 December 2026 to 2 January 2027"
        )
        assert date_range(date(2026, 11, 20), date(2026, 11, 20)) == "on 20 November 2026"
        assert date_range(None, None) == "every date"
    with translation.override("fr"):
        assert date_range(date(2026, 11, 20), None) == "à partir du 20 novembre 2026"
        assert date_range(None, date(2026, 12, 1)) == "jusqu’au 1er décembre 2026"


def test_an_unknown_key_is_humanised():
    assert humanize_key("mailbox_full") == "Mailbox full"
    assert humanize_key("retry-count") == "Retry count"
