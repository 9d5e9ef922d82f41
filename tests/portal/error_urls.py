"""The portal's URLs plus one page that fails, for the 500 page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as portal_patterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom), *portal_patterns]

__all__ = ["handler500", "urlpatterns"]
