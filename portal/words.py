"""What a person reads instead of a query string, a zone name or a platform key.

- `describe_filter(form)`: a list's valid filter as a phrase in the current language,
  "from 20 to 25 November 2026, urgent only" / "du 20 au 25 novembre 2026, urgents
  seulement". Every section uses it for its headings, PDFs, e-mails and access log, so a
  filter reads the same everywhere. The dates come from the form's `from` / `to`; each
  other field is said with the phrase its form gives in `phrases` (or its label).
- `date_range(first, last)`: two days (either may be None) as the same phrase.
- `humanize_key(key)`: "mailbox_full" -> "Mailbox full", for a key nobody translated.

See docs/architecture.md, "Shared pieces".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from django import forms
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Moment(Protocol):
    """One end of a range as the filter form cleaned it (portal.filters.LocalMoment)."""

    value: datetime
    date_only: bool


def _french() -> bool:
    return (get_language() or "").startswith("fr")


def _day_number(day: date) -> str:
    """20; in French the first of the month is "1er"."""
    return "1er" if day.day == 1 and _french() else str(day.day)


def day_text(day: date, *, month: bool = True, year: bool = True) -> str:
    """20 November 2026 / 20 novembre 2026 / 1er décembre 2026 (or a shorter part of it)."""
    parts = [_day_number(day)]
    if month:
        parts.append(formats.date_format(day, "F"))
        if year:
            parts.append(str(day.year))
    return " ".join(parts)


def _moment_text(moment: Moment) -> str:
    text = day_text(moment.value.date())
    if moment.date_only:
        return text
    return _("%(day)s at %(time)s") % {
        "day": text,
        "time": formats.time_format(moment.value.time(), "TIME_FORMAT"),
    }


def date_range(first: date | None, last: date | None) -> str:
    """From one day to another, both included; either may be None (no bound)."""
    if first is None and last is None:
        return _("every date")
    if first is None:
        assert last is not None
        return _("up to %(end)s") % {"end": day_text(last)}
    if last is None:
        return _("from %(start)s on") % {"start": day_text(first)}
    if first == last:
        return _("on %(day)s") % {"day": day_text(first)}
    same_year = first.year == last.year
    same_month = same_year and first.month == last.month
    start = day_text(first, month=not same_month, year=not same_year)
    return _("from %(start)s to %(end)s") % {"start": start, "end": day_text(last)}


def moment_range(first: Moment | None, last: Moment | None) -> str:
    """The `from` / `to` of a filter; whole days read as date_range()."""
    if (first is None or first.date_only) and (last is None or last.date_only):
        return date_range(
            first.value.date() if first else None, last.value.date() if last else None
        )
    if last is None:
        assert first is not None
        return _("from %(start)s on") % {"start": _moment_text(first)}
    if first is None:
        return _("up to %(end)s") % {"end": _moment_text(last)}
    return _("from %(start)s to %(end)s") % {
        "start": _moment_text(first),
        "end": _moment_text(last),
    }


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def field_phrase(field: forms.Field, value: Any, phrase: StrOrPromise | None) -> str:
    """One given field of a filter: its form's phrase, or "label: value"."""
    if isinstance(field, forms.ChoiceField):
        choices: Any = field.choices  # a list once the form is built
        value = {str(key): label for key, label in choices}.get(str(value), value)
    if isinstance(field, forms.BooleanField):
        return str(phrase) if phrase else _lower_first(str(field.label or ""))
    if phrase:
        return str(phrase) % {"value": value}
    return _("%(label)s: “%(value)s”") % {
        "label": _lower_first(str(field.label or "")),
        "value": value,
    }


def describe_filter(form: forms.Form, *, skip: Iterable[str] = ()) -> str:
    """A valid filter form's selection as one phrase: its dates, then every other field
    given, in the form's order (its `phrases`: field name -> "%(value)s" phrase)."""
    if not form.is_bound or not form.is_valid():
        return ""
    data = form.cleaned_data
    phrases: Mapping[str, StrOrPromise] = getattr(form, "phrases", {})
    parts = []
    if data.get("from") or data.get("to"):
        parts.append(moment_range(data.get("from"), data.get("to")))
    for name, field in form.fields.items():
        value = data.get(name)
        if name in ("from", "to") or name in skip or value in (None, "", False, [], ()):
            continue
        parts.append(field_phrase(field, value, phrases.get(name)))
    # Nothing given: every date (a list without dates shows everything it keeps).
    return ", ".join(part for part in parts if part) or moment_range(None, None)


def heading(text: str) -> str:
    """A phrase at the start of a line: its first letter a capital."""
    return str(capfirst(text))


def humanize_key(key: str) -> str:
    """A key no catalogue names, made readable: "mailbox_full" -> "Mailbox full"."""
    words = key.replace("_", " ").replace("-", " ").split()
    return capfirst(" ".join(words).lower()) or key
