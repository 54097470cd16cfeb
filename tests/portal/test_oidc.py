"""VNeID (national e-ID) through OpenID Connect: the button appears only when configured."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

VNEID = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "vneid",
                "name": "VNeID",
                "client_id": "portal-client",
                "secret": "s3cret",
                "settings": {"server_url": "https://sso.example.gov.vn/realms/vneid"},
            }
        ],
        "OAUTH_PKCE_ENABLED": True,
    }
}


def test_no_vneid_button_without_configuration(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "VNeID" not in html


def test_vneid_button_when_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = VNEID
    settings.OIDC_ENABLED = True
    html = client.get(reverse("account_login")).content.decode()
    assert "Đăng nhập bằng VNeID" in html
    assert "/accounts/oidc/vneid/login/" in html


def test_vneid_login_page_posts_and_redirects_to_the_provider(client, settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = VNEID
    # The provider's discovery document, as an OpenID provider serves it (the IdP is the edge we fake).
    discovery = {
        "issuer": "https://sso.example.gov.vn/realms/vneid",
        "authorization_endpoint": "https://sso.example.gov.vn/realms/vneid/protocol/openid-connect/auth",
        "token_endpoint": "https://sso.example.gov.vn/realms/vneid/protocol/openid-connect/token",
        "userinfo_endpoint": "https://sso.example.gov.vn/realms/vneid/protocol/openid-connect/userinfo",
    }
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    monkeypatch.setattr(OpenIDConnectOAuth2Adapter, "openid_config", property(lambda self: discovery))
    url = "/accounts/oidc/vneid/login/"
    assert client.get(url).status_code == 200  # a confirmation page: login starts only by POST
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(discovery["authorization_endpoint"])
    assert "client_id=portal-client" in response["Location"]
    assert "code_challenge=" in response["Location"]  # PKCE
