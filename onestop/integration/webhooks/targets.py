"""Where a webhook may be sent (server-side request forgery): the province's servers must not be
made to call its own network on a partner's behalf.

* https only — http only when WEBHOOK_ALLOW_HTTP (default: DEBUG);
* no credentials in the URL;
* every address the host resolves to must be public (not loopback, private, link-local — the cloud
  metadata address —, multicast or reserved), unless WEBHOOK_ALLOW_PRIVATE_TARGETS.

Checked when a subscription is saved and again before every POST (the name may resolve elsewhere
by then); redirects are not followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def target_problem(url: str, *, resolve: bool = True) -> str | None:
    """Why `url` may not receive webhooks, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("This is not a valid address.")
    allowed = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        return _("Webhooks are sent over HTTPS only.")
    if parts.username or parts.password:
        return _("The address may not carry a user name or password.")
    host = parts.hostname
    if not host:
        return _("This is not a valid address.")
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS or not resolve:
        return None
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return _("The host name does not resolve.")
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            return _("The address points into a private network.")
    return None


def check_target(url: str) -> None:
    problem = target_problem(url)
    if problem:
        raise ValidationError(problem)
