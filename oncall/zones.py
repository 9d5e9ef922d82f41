"""Times in a schedule's own zone: how they are written, and how a typed wall time is read.

Every time on a schedule's pages, PDF, feed and e-mails is written in the schedule's zone
(never the viewer's or the account's). A wall time that happens twice (the hour the clocks
go back) is always written with its UTC offset, and when typed, the person chooses which
of the two instants they mean. A wall time that never happens (the hour the clocks go
forward) is refused. See docs/oncall.md, "Time zones".
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, tzinfo

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

DEFAULT_FORMAT = "D j N H:i"


def place_of(zone_name: str) -> str:
    """The city of an IANA zone name: America/Argentina/Buenos_Aires -> Buenos Aires."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def zone_phrase(zone_name: str, own_zone: str | None = None) -> str:
    """ "Toronto time" / "heure de Toronto"; "" when it is the reader's own zone."""
    if not zone_name or zone_name == own_zone:
        return ""
    place = place_of(zone_name)
    if place[:1].upper() in "AEIOUYÉÈÊ":
        return pgettext("time zone of a place whose name begins with a vowel", "%(place)s time") % {
            "place": place
        }
    return pgettext("time zone of a place", "%(place)s time") % {"place": place}


def is_ambiguous(local: datetime) -> bool:
    """True when this wall time happens twice in its zone (the hour the clocks go back)."""
    other = local.replace(fold=1 - local.fold)
    return other.utcoffset() != local.utcoffset() and _exists(other)


def _exists(local: datetime) -> bool:
    naive = local.replace(tzinfo=None)
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None, fold=0) == naive.replace(fold=0)


def offset_label(local: datetime) -> str:
    """UTC−04:00 (with a real minus sign)."""
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def localize(instant: datetime, tz: tzinfo) -> datetime:
    return instant.astimezone(tz)


def when(instant: datetime | None, tz: tzinfo, fmt: str = DEFAULT_FORMAT) -> str:
    """An instant written in `tz` with a Django date format, plus its offset if ambiguous."""
    if instant is None:
        return ""
    try:
        local = instant.astimezone(tz)
    except (OverflowError, ValueError):
        return "…"  # an instant beyond what a calendar can show (never stored since intake)
    text = formats.date_format(local, fmt)
    if is_ambiguous(local):
        text = f"{text} ({offset_label(local)})"
    return text


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


class WallTime:
    """The instants a typed wall time may mean in a zone: none, one, or two."""

    def __init__(self, naive: datetime, tz: tzinfo):
        self.naive = naive.replace(tzinfo=None, fold=0)
        self.tz = tz
        first = self.naive.replace(tzinfo=tz, fold=0)
        second = self.naive.replace(tzinfo=tz, fold=1)
        if not _exists(first):
            self.candidates: list[datetime] = []
        elif first.utcoffset() != second.utcoffset():
            self.candidates = [first, second]
        else:
            self.candidates = [first]

    @property
    def exists(self) -> bool:
        return bool(self.candidates)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) == 2

    def choices(self) -> list[tuple[str, str]]:
        """For a radio group: (offset, "01:30 UTC−04:00, before the clocks go back")."""
        labels = [
            _("%(time)s %(offset)s, before the clocks go back"),
            _("%(time)s %(offset)s, after the clocks go back"),
        ]
        return [
            (
                offset_label(candidate),
                label
                % {
                    "time": formats.date_format(candidate, "H:i"),
                    "offset": offset_label(candidate),
                },
            )
            for candidate, label in zip(self.candidates, labels, strict=False)
        ]

    def instant(self, offset: str = "") -> datetime | None:
        """The one instant meant: the only one, or the one whose offset was chosen."""
        if len(self.candidates) == 1:
            return self.candidates[0]
        for candidate in self.candidates:
            if offset_label(candidate) == offset:
                return candidate
        return None
