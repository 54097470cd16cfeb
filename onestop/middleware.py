"""Staff must enrol two-factor authentication before anything shows them a citizen's data.

Decree 13/2023 (personal data protection) asks for appropriate safeguards on access to citizens'
data; a stolen staff password alone must not open it. REQUIRE_STAFF_MFA switches it. The rule is
per user, not per URL: a staff account without TOTP reaches only what it needs to enrol it (the
account pages, static files, the probes) — not the back office, the admin, the citizen-side file
downloads, the API or anything added later.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .access import is_staff_member, staff_mfa_missing

# What a staff account without TOTP may still open: the enrolment itself (allauth's pages under
# /accounts/: login, logout, re-authentication, TOTP activation), languages, assets, probes.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/jsi18n/", "/static/", "/healthz", "/readyz", "/favicon.ico")


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and (request.user.is_staff or is_staff_member(request.user))
            and staff_mfa_missing(request.user)
        ):
            text = _(
                "Staff accounts must set up two-factor authentication (an authenticator app) before using the site."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": text}, status=403)
            messages.warning(request, text)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
