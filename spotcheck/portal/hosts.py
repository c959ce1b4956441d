"""(portal14) The portal on a host name of its own (issue 14, item 2).

A request whose Host is one of SPOTCHECK_PORTAL_HOSTS is routed through the portal-only URLconf
(spotcheck/urls_portal.py): the public pages, the language switch and the open data answer, and
every staff URL — the login page, the admin site, the staff API — is a 404, as if it did not
exist. Every other host gets the whole platform, the portal at `/` included.
"""

from django.conf import settings
from django.http.request import split_domain_port

PORTAL_URLCONF = "spotcheck.urls_portal"


def is_portal_host(host: str) -> bool:
    domain, _port = split_domain_port(host)
    return domain in {h.lower() for h in settings.SPOTCHECK_PORTAL_HOSTS}


class PortalHostMiddleware:
    """Placed before everything that resolves or reverses a URL (CommonMiddleware's
    APPEND_SLASH, the locale middleware, the views), so that all of them see the portal's
    URLconf. ``request.portal_only`` tells the templates to leave out links into the workspace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # get_host() refuses a Host outside ALLOWED_HOSTS (a 400), as it would further on.
        request.portal_only = bool(settings.SPOTCHECK_PORTAL_HOSTS) and is_portal_host(request.get_host())
        if request.portal_only:
            request.urlconf = PORTAL_URLCONF
        return self.get_response(request)
