"""The portal's URLs plus a view that fails, to see the 500 page (tests only)."""

from django.urls import path

from portal.urls import handler500  # noqa: F401 — handler500 is read here
from portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("loi-thu/", boom), *portal_urlpatterns]
