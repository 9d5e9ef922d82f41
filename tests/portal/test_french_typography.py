"""The French catalogue follows French typography: a non-breaking space before : ; ? ! and %,
and « » quotes (never “ ” or "), as every French page, PDF and e-mail then shows."""

import gettext
import re
from pathlib import Path

from django.conf import settings

NBSP = "\u00a0\u202f"
# What is not prose: placeholders, times (08:00, HH:MM, mm:ss), URLs, HTML tags and entities.
NOT_PROSE = re.compile(
    r"%\([a-z_]+\)[sdf]|%%|%[sd]|\{\{[^}]*\}\}|https?://\S+|<[^>]+>|&[a-z]+;"
    r"|\b[\dA-Za-z]{1,8}:[\dA-Za-z]{2}\b"
)


def catalogue() -> dict[str, str]:
    path = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as handle:
        entries = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {str(key): value for key, value in entries.items() if key and value}


def test_a_non_breaking_space_before_high_punctuation_and_percent():
    wrong = []
    for key, text in catalogue().items():
        prose = NOT_PROSE.sub("X", text)
        if re.search(rf"(?<![{NBSP}])[:;?!]", prose) or re.search(rf"(?<![{NBSP}])%%", text):
            wrong.append((key, text))
    assert wrong == []


def test_french_quotes_are_guillemets_with_non_breaking_spaces():
    wrong = []
    for key, text in catalogue().items():
        prose = NOT_PROSE.sub("X", text)
        if re.search(r"[“”\"]", prose) or re.search(rf"«(?![{NBSP}])|(?<![{NBSP}])»", prose):
            wrong.append((key, text))
    assert wrong == []


def test_every_entry_of_the_catalogue_is_translated_and_none_is_fuzzy():
    """A fuzzy entry is left out of the compiled catalogue: its page would show English."""
    path = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    entries = path.read_text(encoding="utf-8").split("\n\n")
    fuzzy = [entry for entry in entries[1:] if re.search(r"^#,.*\bfuzzy\b", entry, re.M)]
    untranslated = [
        entry
        for entry in entries[1:]
        if re.search(r'^msgstr(\[\d\])? ""\Z', entry.strip().splitlines()[-1])
        and not entry.strip().startswith("#~")
        and len([line for line in entry.splitlines() if line.startswith('"')]) == 0
    ]
    assert fuzzy == []
    assert untranslated == []
