"""How a page answers: the whole page, or to HTMX only the part a filter or a pager replaces.

One template per page; the part HTMX swaps is an inline `{% partialdef %}` in it.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class UncountedPage:
    """A page of a list too long to count (the access log): it knows only its number and
    whether another page follows. The pager (portal/pager.html) takes it like Django's
    Page and then draws no "Page N of M"."""

    number: int
    has_next: bool
    paginator: None = None

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1
