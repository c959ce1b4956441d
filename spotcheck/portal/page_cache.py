"""The portal's pages, kept for anonymous visitors (load14).

A portal page is the same for every visitor who is not logged in: computing it costs 10–40 ms
of Python and a few queries, while a province's public comes in bursts (a notice in the news, a
draw day). So a page computed for one anonymous visitor is kept in the cache for
``SPOTCHECK_PORTAL_CACHE_SECONDS`` and served to the next.

What keeps it correct, not merely fast:

- The key holds the **audit trail's head** (its last entry's sequence number and hash). Every
  change of a plan, task, draw, result or publication writes an audit entry in its own
  transaction, so the first request after a correction or a withdrawal misses the cache and is
  computed anew: a withdrawn result is never served from the cache. The hash, not only the
  number, so that a database restored from a backup (or a test's rolled-back transaction) that
  reuses a number does not meet pages of the other history. Changes that write no audit entry
  (the daily bulk files) show within the timeout.
- Only what is the same for everyone is kept: GET of the listed public pages, by a request with
  no session (a logged-in member of staff gets the page computed for them, with the link to the
  workspace), a 200 response that sets no cookie (a page with a form's CSRF token never is) and
  is not streamed. The key holds the host, the full path with its query and the language.
- Nothing is sent to browsers or proxies as cacheable (no max-age): the server decides when a
  page is stale.

Django's own cache middleware (``UpdateCacheMiddleware``/``FetchFromCacheMiddleware``) does not
fit: its key is fixed when the page is stored and learns the cookies a response varies on, so a
visitor with a language cookie or the anonymous CSRF cookie would get a key of their own, and it
has no way to drop every page when the published data change. This module keeps the rest of it:
the cache backend, and the pickled response.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import get_language

from spotcheck.audit.models import AuditEntry

logger = logging.getLogger(__name__)

# The pages kept: URL names (with their namespace). The forms (a reply, the 检查码 page's rating),
# the status of an enterprise's replies (asked with its code) and the data files (streamed,
# large) are not among them.
CACHED_PAGES = frozenset(
    {
        "portal_home",
        "portal:index",
        "portal:plan_list",
        "portal:plan_detail",
        "portal:task_list",
        "portal:task_detail",
        "portal:result_notice_list",
        "portal:result_notice",
        "portal:enterprise",
        "portal:search",
        "portal:verify",
        "portal:audit_anchors",
        "portal:bulkdata:index",
        "portal:bulkdata:dictionary",
        "portal:bulkdata:manifest",
        "portal:bulkdata:feed_notices",
        "portal:bulkdata:feed_department",
        "portal:bulkdata:feed_enterprise",
    }
)
# Larger responses are computed each time rather than crowding the cache.
MAX_CACHED_BYTES = 512 * 1024


def data_generation() -> str:
    """The audit trail's head, which changes with every change of the published data."""
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return "0" if head is None else f"{head[0]}.{head[1][:16]}"


def page_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return match.view_name


def cache_key(request: HttpRequest, kind: str = "portal-page") -> str:
    """The key of what is kept for this request: the data's generation, the language, the host,
    the path and its query (the open data's answers use it too, with a kind of their own)."""
    page = hashlib.sha256(request.build_absolute_uri().encode("utf-8", "surrogateescape")).hexdigest()
    return f"{kind}:{data_generation()}:{get_language()}:{page}"


def kept(key: str) -> Any | None:
    """What is kept under ``key``, or None; a cache that fails (Redis down) is a miss, not an
    error: the page is computed as if nothing were kept."""
    try:
        return cache.get(key)
    except Exception:  # the cache's own errors differ by backend; any of them is a miss
        logger.warning("portal page cache unavailable (read)", exc_info=True)
        return None


def keep(key: str, value: Any) -> None:
    try:
        cache.set(key, value, settings.SPOTCHECK_PORTAL_CACHE_SECONDS)
    except Exception:  # as in kept(): the answer goes out, only not kept
        logger.warning("portal page cache unavailable (write)", exc_info=True)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET" or settings.SPOTCHECK_PORTAL_CACHE_SECONDS <= 0:
        return False
    # A session (a logged-in member of staff, or a message waiting to be shown) makes the page
    # someone's own.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return page_name(request) in CACHED_PAGES


def _cacheable_response(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # Below this middleware only a page that differs per visitor says it varies (the CSRF
    # middleware, for a form's token).
    if response.has_header("Vary"):
        return False
    return len(response.content) <= MAX_CACHED_BYTES


class PortalPageCacheMiddleware:
    """Serves a kept copy of a public page to an anonymous visitor (see the module's text).

    After the locale middleware (the key holds the language) and before anything that reads the
    session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable_request(request):
            return self.get_response(request)
        key = cache_key(request)
        copy = kept(key)
        if copy is not None:
            copy["X-Portal-Cache"] = "hit"
            return copy
        response = self.get_response(request)
        if _cacheable_response(response):
            keep(key, response)
            response["X-Portal-Cache"] = "miss"
        return response
