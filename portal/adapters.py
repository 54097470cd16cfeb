import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onestop.client_ip import client_ip

# A wrong password costs more each time from the same address: after DELAY_AFTER failures the next
# attempt must wait 2, 4, 8 … seconds (at most DELAY_MAX), even with the right password.
DELAY_AFTER = 3
DELAY_MAX = 300


class AccountAdapter(DefaultAccountAdapter):
    """Login attempts are limited per account AND client address (ACCOUNT_RATE_LIMITS "key"): a
    stranger's wrong passwords never lock the owner out from their own address — a lockout attackers
    could otherwise use against any citizen — and the owner can always sign in with a code sent by
    e-mail (ACCOUNT_LOGIN_BY_CODE_ENABLED)."""

    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def get_client_ip(self, request) -> str:
        """Login rate limits per client: X-Forwarded-For only from TRUSTED_PROXIES (onestop/client_ip.py)."""
        return client_ip(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}|{self.get_client_ip(request)}"

    def _delay_key(self, request, credentials) -> str:
        return "login-delay:" + self._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request, **credentials) -> None:
        state = cache.get(self._delay_key(request, credentials))
        if state and state["until"] > time.time():
            wait = int(state["until"] - time.time()) + 1
            raise ValidationError(
                _("Too many wrong attempts from here: try again in %(seconds)s seconds.") % {"seconds": wait}
            )
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials) -> None:
        key = self._delay_key(request, credentials)
        failures = (cache.get(key) or {"failures": 0})["failures"] + 1
        delay = 0 if failures < DELAY_AFTER else min(2 ** (failures - DELAY_AFTER + 1), DELAY_MAX)
        cache.set(key, {"failures": failures, "until": time.time() + delay}, DELAY_MAX * 4)
        super().authentication_failed(request, **credentials)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            cache.delete(self._delay_key(request, credentials))
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """Take the citizen's name from the national e-ID's claims (VNeID)."""
        user = super().populate_user(request, sociallogin, data)
        claims = sociallogin.account.extra_data or {}
        userinfo = claims.get("userinfo", claims)
        name = userinfo.get("name") or " ".join(
            part for part in (userinfo.get("family_name"), userinfo.get("given_name")) if part
        )
        if name:
            user.full_name = name
        return user
