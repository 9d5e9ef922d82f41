"""The one helper that writes the access log."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from accounts.models import AccessEvent

Action = AccessEvent.Action


def client_address(request: HttpRequest) -> str | None:
    # Same source as the sign-in throttling, so a proxy is trusted the same way.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def log_access(
    request: HttpRequest,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
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
        detail=detail[:500],
        ip_address=client_address(request),
    )
