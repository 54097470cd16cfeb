from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

from onestop.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def get_client_ip(self, request) -> str:
        """Login rate limits per client: X-Forwarded-For only from TRUSTED_PROXIES (onestop/client_ip.py)."""
        return client_ip(request) or super().get_client_ip(request)


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
