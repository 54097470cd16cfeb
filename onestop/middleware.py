"""Staff must enrol two-factor authentication before reaching the back office or the admin.

Decree 13/2023 (personal data protection) asks for appropriate safeguards on access to
citizens' data; a stolen staff password alone must not open it. REQUIRE_STAFF_MFA switches it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .access import staff_mfa_missing
from .selectors import user_is_staff_member

PROTECTED_PREFIXES = ("/mot-cua/", "/admin/")


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(PROTECTED_PREFIXES)
            and request.user.is_authenticated
            and (request.user.is_staff or user_is_staff_member(user=request.user))
            and staff_mfa_missing(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Staff accounts must set up two-factor authentication (an authenticator app) "
                    "before using the back office."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
