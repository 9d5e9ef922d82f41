"""The one place that writes the access log, and says its rows in words.

Each row names its object by type, id and a short reference taken when it happened (a
message's number, a call's start): the log is kept longer than the objects, and a purged
message is still "Message M-1001". describe() turns that into words, in the reader's
language and the account's time zone.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.db import models
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import AccessEvent, Membership, User

Action = AccessEvent.Action

# The access log's filter (docs/security.md) -> the stored actions each one selects. An
# e-mailed report is an export; a change request is a change.
ACTION_FILTERS: dict[str, tuple[str, ...]] = {
    Action.VIEWED: (Action.VIEWED,),
    Action.PLAYED: (Action.PLAYED,),
    Action.DOWNLOADED: (Action.DOWNLOADED,),
    Action.EXPORTED: (Action.EXPORTED, Action.EMAILED),
    Action.CHANGED: (Action.CHANGED, Action.REQUESTED),
    Action.SIGNED_IN: (Action.SIGNED_IN,),
}

# Object types that are not a model row.
TWO_FACTOR = "accounts.two_factor"
TWO_FACTOR_REQUIREMENT = "accounts.two_factor_requirement"
ACCESS_LOG = "accounts.accessevent"


def client_address(request: HttpRequest) -> str | None:
    # Same source as the sign-in throttling, so a proxy is trusted the same way.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def _instant(value: datetime | None) -> str:
    return value.isoformat() if value else ""


# model label -> the reference kept with the event (language- and zone-neutral).
REFERENCES = {
    "messages_app.message": lambda obj: obj.external_id,
    "calllog.call": lambda obj: _instant(obj.started_at),
    "billing.invoice": lambda obj: obj.number,
    "oncall.schedule": lambda obj: obj.name,
    "oncall.shift": lambda obj: _instant(obj.starts_at),
    "directory.changerequest": lambda obj: obj.subject,
    "accounts.account": lambda obj: str(obj.number),
    "accounts.user": lambda obj: obj.get_username(),
}


def object_reference(obj: models.Model) -> str:
    make = REFERENCES.get(obj._meta.label_lower)
    return (make(obj) if make else str(obj))[:200]


def log_access(
    request: HttpRequest,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_ref: str = "",
    detail: str = "",
) -> AccessEvent:
    """Record that request.user did `action` on `obj` (or on a named kind of thing)."""
    user = request.user if request.user.is_authenticated else None
    return AccessEvent.objects.create(
        user=user,
        username=user.get_username() if user else "",
        account=getattr(request, "account", None),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_ref=object_reference(obj) if obj is not None else object_ref[:200],
        detail=detail[:500],
        ip_address=client_address(request),
    )


def log_in_each_account(
    request: HttpRequest,
    user: User,
    action: str,
    *,
    object_type: str = "",
    object_ref: str = "",
    detail: str = "",
) -> list[AccessEvent]:
    """The same event in the log of every account the user belongs to (a sign-in, a
    change to their two-factor sign-in): each account's managers see it, no one else."""
    address = client_address(request)
    accounts = [m.account for m in Membership.objects.for_user(user)]
    return AccessEvent.objects.bulk_create(
        AccessEvent(
            user=user,
            username=user.get_username(),
            account=account,
            action=action,
            object_type=object_type,
            object_ref=object_ref[:200],
            detail=detail[:500],
            ip_address=address,
        )
        for account in accounts
    )


def log_sign_in(request: HttpRequest, user: User) -> list[AccessEvent]:
    from accounts.browsers import browser_name

    return log_in_each_account(
        request,
        user,
        Action.SIGNED_IN,
        detail=browser_name(request.headers.get("User-Agent", "")),
    )


def _local(reference: str, tz: zoneinfo.ZoneInfo) -> str:
    try:
        instant = datetime.fromisoformat(reference)
    except ValueError:
        return reference
    return formats.date_format(timezone.localtime(instant, tz), "SHORT_DATETIME_FORMAT")


def describe(event: AccessEvent, tz: zoneinfo.ZoneInfo) -> str:
    """What the event was about, in words ("Message M-1001", "Call 2026-11-20 09:14")."""
    kind, ref, one = event.object_type, event.object_ref, bool(event.object_id)
    if kind == "messages_app.message":
        if one and event.detail == "acknowledged":
            return _("Message %(ref)s acknowledged") % {"ref": ref or event.object_id}
        return _("Message %(ref)s") % {"ref": ref or event.object_id} if one else _("Messages")
    if kind == "calllog.call":
        if not one:
            return _("Call log")
        return _("Call %(when)s") % {"when": _local(ref, tz) if ref else event.object_id}
    if kind == "billing.invoice":
        return _("Invoice %(ref)s") % {"ref": ref or event.object_id} if one else _("Invoices")
    if kind == "billing.billable_calls":
        return _("Billable calls")
    if kind == "oncall.schedule":
        return _("On-call schedule “%(name)s”") % {"name": ref or event.object_id}
    if kind == "oncall.shift":
        return _("On-call shift of %(when)s") % {"when": _local(ref, tz) if ref else ""}
    if kind == "directory.changerequest":
        return _("Change request")
    if kind == "stats":
        return _("Statistics")
    if kind == ACCESS_LOG:
        return _("Access log")
    if kind == TWO_FACTOR:
        return {
            "on": _("Two-factor sign-in turned on"),
            "off": _("Two-factor sign-in turned off"),
            "codes": _("New recovery codes"),
        }.get(ref, _("Two-factor sign-in"))
    if kind == TWO_FACTOR_REQUIREMENT:
        if ref == "on":
            return _("Two-factor sign-in required for everyone")
        return _("Two-factor sign-in no longer required")
    if not kind:
        return ""
    return f"{kind} {event.object_id}".strip()
