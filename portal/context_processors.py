from typing import Any

from django.conf import settings
from django.http import HttpRequest

from portal.sections import section_of_namespace, sections_for


def portal(request: HttpRequest) -> dict[str, Any]:
    """The frame around every page: the brand, the menu and the account switcher."""
    context: dict[str, Any] = {"service": settings.SERVICE}
    membership = getattr(request, "membership", None)
    if membership is None:
        return context
    match = request.resolver_match
    current = section_of_namespace(match.namespace) if match else None
    context.update(
        account=membership.account,
        membership=membership,
        menu=sections_for(membership),
        current_section=current.key if current else "home",
    )
    return context
