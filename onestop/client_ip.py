"""The client's address, for rate limits and logs — also behind a reverse proxy.

``X-Forwarded-For`` is believed only when the peer (REMOTE_ADDR) is one of TRUSTED_PROXIES
(comma-separated IPs or CIDR networks; empty by default, i.e. the header is ignored). The header is
then read from the right — each trusted proxy appends the address it received from — and the first
address that is not itself a trusted proxy is the client. Anything the client wrote further left is
never used, so a citizen cannot pick their own rate-limit bucket by sending the header themselves.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent this request (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks()
    peer = _parse(remote)
    if not networks or peer is None or not _trusted(peer, networks):
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in header.split(",") if hop.strip()]
    nearest = str(peer)
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # garbage: what lies left of it cannot be trusted
            return nearest
        if not _trusted(address, networks):
            return str(address)
        nearest = str(address)
    return nearest  # every hop is a trusted proxy: the left-most one is as far as we can see
