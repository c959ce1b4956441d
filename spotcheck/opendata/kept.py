"""The open data's answers, kept for the next client (load14): the portal's pages are kept by
``portal/page_cache.py``; an answer of this API is kept here, inside the view, after DRF has
counted the request against the client's rate, so that a kept answer is still throttled (a
cache in front of the view, as Django's ``cache_page`` on ``dispatch`` would be, is not).

The answer's data are kept, not its rendering, under the same key as the portal's pages: the
audit trail's head (a publication, correction or withdrawal drops every kept answer at once),
the language, the host, the path and the query. Only 200 answers;
``SPOTCHECK_PORTAL_CACHE_SECONDS`` is the time (0: nothing kept)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.portal.page_cache import cache_key, keep, kept


def keep_answer(get: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(get)
    def kept_get(view, request: Request, *args, **kwargs) -> Response:
        seconds = settings.SPOTCHECK_PORTAL_CACHE_SECONDS
        if seconds <= 0:
            return get(view, request, *args, **kwargs)
        key = cache_key(request, "open-data")
        data = kept(key)
        if data is not None:
            return Response(data, headers={"X-Portal-Cache": "hit"})
        response = get(view, request, *args, **kwargs)
        if response.status_code == 200:
            keep(key, response.data)
            response["X-Portal-Cache"] = "miss"
        return response

    return kept_get
