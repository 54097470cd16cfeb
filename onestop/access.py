"""Access rules for the back office: who counts as staff, and the staff MFA rule."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .selectors import user_is_staff_member


def staff_mfa_missing(user) -> bool:
    """True when staff must enrol TOTP first (REQUIRE_STAFF_MFA) and have not."""
    if not settings.REQUIRE_STAFF_MFA or not user.is_authenticated:
        return False
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Back-office views: anonymous users go to the login page, citizens get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_staff_member(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
