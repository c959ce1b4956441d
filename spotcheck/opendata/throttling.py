"""The open data API's one throttle: requests per client address (DRF's ``get_ident``: the
connection's address, or X-Forwarded-For as ``NUM_PROXIES`` says), counted in the default cache
(shared by the web workers when ``SPOTCHECK_REDIS_URL`` is set). Over the rate: 429 with
Retry-After."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class OpenDataRateThrottle(SimpleRateThrottle):
    scope = "opendata"

    def get_rate(self) -> str:
        # Read at each request (DRF's own rates are read once at import): a changed setting applies.
        return settings.SPOTCHECK_OPENDATA_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
