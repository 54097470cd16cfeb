"""Bearer-token authentication for partners' systems: `Authorization: Bearer <token>`.

The token is shown once when the client is created (or given a new token) and only its SHA-256 is
kept. A token of a client that is inactive, revoked, expired or whose agency is closed answers 401,
like a wrong one; a client without the operation's scope answers 403; an object outside the
client's agencies answers 404, like a missing one. Every call of an authenticated client leaves one
ApiCallLog row (client, scope, method, path, object, answer, time) and counts against the client's
own rate (API_CLIENT_THROTTLE_RATE) — the same checks on this door as on the others (STYLE §20).
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiCallLog, ApiClient

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "dvc_"  # noqa: S105 (not a secret: the mark of an API client token)
# Tokens issued to the post before the clients were one model (pst_…) keep working: the lookup is
# by hash, whatever the prefix.
TOKEN_PREFIXES = (TOKEN_PREFIX, "pst_")


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ClientPrincipal:
    """request.user for a partner's system: authenticated, no site account, no staff roles. The
    workflow's guards recognise it by `api_client` (onestop.workflow.guards.Who)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = is_superuser = False
    pk = id = None

    def __init__(self, client: ApiClient) -> None:
        self.api_client = client

    def __str__(self) -> str:
        return f"API client {self.api_client.name}"


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        client = (
            ApiClient.objects.select_related("agency")
            .filter(token_hash=token_hash(token), active=True, agency__active=True, revoked_at__isnull=True)
            .first()
        )
        now = timezone.now()
        if client is None or not client.usable(now):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return ClientPrincipal(client), client

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "onestop.integration.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's token (dvc_…; the post's older pst_… tokens too), created by an "
            "agency admin in /admin/ and shown once. Each operation names the scope it needs.",
        }


def lacks_scope(scope: str) -> str:
    return _("This client lacks the scope %(scope)s.") % {"scope": scope}


def scoped(scope: str) -> type[BasePermission]:
    """The permission of an operation that needs `scope` (403 without it)."""

    class HasScope(BasePermission):
        message = property(lambda self: lacks_scope(scope))  # in the request's language

        def has_permission(self, request, view) -> bool:
            client = request.auth
            view.api_scope = scope  # for the call log
            return isinstance(client, ApiClient) and client.has_scope(scope)

    HasScope.__name__ = f"HasScope_{scope.replace(':', '_')}"
    HasScope.scope = scope
    return HasScope


def public_or_scoped(scope: str) -> type[BasePermission]:
    """The permission of a public operation (the catalogue): open to everyone, but a partner that
    presents a token must hold `scope` (403 otherwise), and its call is logged and throttled."""

    class PublicOrScoped(BasePermission):
        message = property(lambda self: lacks_scope(scope))

        def has_permission(self, request, view) -> bool:
            if isinstance(request.auth, ApiClient):
                view.api_scope = scope
                return request.auth.has_scope(scope)
            return True

    PublicOrScoped.__name__ = f"PublicOrScoped_{scope.replace(':', '_')}"
    return PublicOrScoped


class ClientRateThrottle(SimpleRateThrottle):
    """Per client (API_CLIENT_THROTTLE_RATE, e.g. "600/min"); anonymous calls are refused before."""

    scope = "api_client"

    def get_rate(self) -> str | None:
        return settings.API_CLIENT_THROTTLE_RATE or None

    def get_cache_key(self, request, view) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}


class ClientApiMixin:
    """For the views of the partner API: token authentication, the client's throttle, one log row
    per call. A view sets `permission_classes = [scoped(...)]` and `log_object_kwarg` (the URL
    keyword naming the object, logged as the object id)."""

    authentication_classes = [ApiTokenAuthentication]
    throttle_classes = [ClientRateThrottle]
    log_object_kwarg = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request, "auth", None)
        if isinstance(client, ApiClient):
            try:
                ApiCallLog.objects.create(
                    client=client,
                    scope=getattr(self, "api_scope", "")[:30],
                    method=request.method[:8],
                    path=request.path[:300],
                    object_id=str(kwargs.get(self.log_object_kwarg, "") if self.log_object_kwarg else "")[:100],
                    status=response.status_code,
                )
            except DatabaseError:  # a call is not refused because its log row could not be written
                logger.exception("API call log row not written for client %s", client.pk)
        return response
