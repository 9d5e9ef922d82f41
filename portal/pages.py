"""How a page answers: the whole page, or to HTMX only the part a filter or a pager replaces.

One template per page; the part HTMX swaps is an inline `{% partialdef %}` in it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """For type hints: a request seen by django-htmx's middleware."""

    htmx: HtmxDetails


def render_page(
    request: HtmxRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str = "results",
    status: int = 200,
) -> HttpResponse:
    """`template` whole, or only its `partial` when HTMX asks (the URL is the same)."""
    name = f"{template}#{partial}" if request.htmx else template
    return render(request, name, context, status=status)
