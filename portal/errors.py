"""The 500 page: drawn in the portal's frame and the reader's language, from nothing that
may have failed with the request (no context processors, no session, no database).

404 and 403 are Django's own views with templates/404.html and 403.html, which extend
the frame (base.html) with its menu. A server error may come from the very things the
frame reads, so templates/500.html stands alone: the brand, the message, a way home.
If even that cannot be drawn, a plain line in both languages is answered.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

PLAIN = "Something went wrong / Une erreur est survenue"


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """config.urls' handler500: the language is the one the request had, if it got one."""
    try:
        html = loader.get_template(template_name).render(
            {"service": settings.SERVICE, "LANGUAGE_CODE": get_language() or "en"}
        )
    except Exception:  # the error page must never fail in turn
        logger.exception("The 500 page could not be drawn")
        return HttpResponseServerError(PLAIN, content_type="text/plain; charset=utf-8")
    return HttpResponseServerError(html)
