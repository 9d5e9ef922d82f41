"""The home page's "Needs your attention" panel: this user's unread messages of the week,
and the week's urgent messages still waiting for an acknowledgement."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from messages_app.models import Message

PANEL_DAYS = 7


def unread_panel(request) -> dict | None:
    """Unread since the start of the day a week ago (local), with a link to exactly those;
    and, above them, the urgent ones of that week nobody has acknowledged yet."""
    tz = request.account.tzinfo
    first_day = timezone.localdate(timezone.now(), tz) - timedelta(days=PANEL_DAYS)
    since = timezone.make_aware(datetime.combine(first_day, time()), tz)
    week = Message.objects.for_account(request.account).retained().taken_between(since, None)
    count = week.unread_by(request.user).count()
    urgent_open = week.urgent_only().unacknowledged().count()
    if not (count or urgent_open):
        return None
    url = reverse("messages:inbox", args=[request.account.number])
    return {
        "count": count,
        "days": PANEL_DAYS,
        "url": f"{url}?from={first_day:%Y-%m-%d}&unread=1",
        "urgent_open": urgent_open,
        "urgent_url": f"{url}?from={first_day:%Y-%m-%d}&urgent=1&unacknowledged=1",
    }
