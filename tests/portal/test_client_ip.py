"""The client's address behind a reverse proxy (onestop/client_ip.py): rate limits and logs."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from onestop.client_ip import client_ip
from portal.adapters import AccountAdapter

PROXY = "10.0.0.5"


def ip(remote: str, xff: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@pytest.mark.parametrize(
    ("trusted", "xff", "expected"),
    [
        pytest.param([PROXY], "198.51.100.1", "198.51.100.1", id="one-proxy"),
        pytest.param(["10.0.0.0/8"], "198.51.100.1, 10.1.2.3", "198.51.100.1", id="cidr-two-proxies"),
        pytest.param([PROXY], "6.6.6.6, 198.51.100.1", "198.51.100.1", id="client-spoofed-left-part-ignored"),
        pytest.param([PROXY], "", PROXY, id="no-header"),
        pytest.param([PROXY], "10.0.0.5", PROXY, id="only-proxies"),
        pytest.param([PROXY], "not-an-ip, 198.51.100.1", "198.51.100.1", id="garbage-left-of-client"),
        pytest.param([PROXY], "198.51.100.1, garbage", PROXY, id="garbage-right-stops-there"),
        pytest.param([PROXY, "2001:db8::/32"], "2001:db8::9, 2a00:1450::1", "2a00:1450::1", id="ipv6"),
    ],
)
def test_through_trusted_proxies_the_right_most_untrusted_address(settings, trusted, xff, expected):
    settings.TRUSTED_PROXIES = trusted
    assert ip(PROXY, xff) == expected


def test_login_rate_limits_use_the_same_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert AccountAdapter(request).get_client_ip(request) == "198.51.100.1"


def _track(client, **headers) -> int:
    return client.post(reverse("portal:track"), {"code": "X-1", "verifier": "0912345678"}, **headers).status_code


@pytest.mark.django_db
def test_spoofed_header_from_an_untrusted_peer_does_not_give_a_new_bucket(client, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    cache.clear()
    codes = [_track(client, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}") for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


@pytest.mark.django_db
def test_via_a_trusted_proxy_two_citizens_get_separate_buckets(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    cache.clear()
    first = [_track(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1") for _ in range(11)]
    assert first[:10] == [200] * 10 and first[10] == 429
    # Another citizen through the same proxy is not punished for the first one's lookups …
    assert _track(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2") == 200
    # … and the first cannot escape by writing a new address in front of the proxy's.
    assert _track(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1") == 429
