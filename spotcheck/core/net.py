"""The client's address of a request, the one place that decides it (the audit trail records it;
login lockouts count by it).

``REMOTE_ADDR`` is the peer of the connection. Behind the documented nginx that is the proxy, so
the client is read from ``X-Forwarded-For`` — but only when the peer is one of the proxies
configured in ``SPOTCHECK_TRUSTED_PROXIES``: anyone else can write that header. The header is
walked from the right (each proxy appends the address it received the request from), skipping
configured proxies; the first address that is not one is the client. Whatever lies to the left of
it was written by the client and is never used.

Our own code rather than django-ipware/python-ipware: those read a list of headers by default,
prefer a "public" address over the connection's, and match trusted proxies by position at the end
of the chain; the rule here is a dozen lines of the standard library's ``ipaddress``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> IPAddress | None:
    """An address as a proxy writes it, or None for anything else (ports, names, "unknown")."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; match and record them as IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted_proxy(address: IPAddress) -> bool:
    return any(address in network for network in settings.SPOTCHECK_TRUSTED_PROXIES)


def client_ip(request) -> str | None:
    """The client's IP address as text, or None when the connection has none (a Unix socket)."""
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    client = peer
    if _is_trusted_proxy(peer):
        # Several X-Forwarded-For headers reach Django joined with commas.
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            if not hop.strip():
                continue
            address = _parse(hop)
            if address is None:
                # A malformed hop: nothing to its left can be trusted; keep the nearest known address.
                break
            client = address
            if not _is_trusted_proxy(address):
                break
    return str(client)
