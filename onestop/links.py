"""Absolute links (e-mails, SMS, QR codes, PDFs) that point to wherever the portal runs.

Two sources, one rule:

* ``request_base_url()`` — while a request is being served (``portal.middleware.RequestContextMiddleware``
  records it), the scheme and host the visitor used (``request.build_absolute_uri``: the Host header,
  checked against ALLOWED_HOSTS; https behind a proxy with BEHIND_PROXY). Used for what goes back to
  that visitor: the PDF they download, with its QR.
* ``site_url()`` — ``settings.SITE_URL``: in Celery tasks and management commands (no request), and
  for messages to someone else (notifications), which must not carry whichever host a staff member
  happened to use. ``make run`` sets SITE_URL from PORT (scripts/serve-demo).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost

_current_request: ContextVar[Any] = ContextVar("dvc_current_request", default=None)


def site_url() -> str:
    """SITE_URL without its trailing slash."""
    return settings.SITE_URL.rstrip("/")


def request_base_url(request: Any = None) -> str:
    """The scheme and host of ``request`` (or of the request being served), else SITE_URL."""
    request = request if request is not None else _current_request.get()
    if request is not None:
        try:
            return request.build_absolute_uri("/").rstrip("/")
        except DisallowedHost:  # a Host outside ALLOWED_HOSTS never makes a link
            return site_url()
    return site_url()


def absolute_url(path: str, *, request: Any = None, from_request: bool = True) -> str:
    """``path`` made absolute: from the request when there is one (and ``from_request``), else SITE_URL."""
    base = request_base_url(request) if from_request else site_url()
    return base + (path if path.startswith("/") else "/" + path)


@contextmanager
def serving(request: Any) -> Iterator[None]:
    """Within this block ``request_base_url()`` answers for ``request`` (set by the middleware)."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)
