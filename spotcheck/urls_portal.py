"""(portal14) The URLconf of a portal-only host (SPOTCHECK_PORTAL_HOSTS): the public portal and
nothing else — no login page, no admin site, no staff pages, no staff API.

It is cut from the main URLconf rather than listed again, so that whatever the portal's apps add
under /public/ (pages, the open-data API) answers here too without a second list to keep: the
portal's index at `/`, every top-level route under `public/`, the language switch, the favicon.
Static files come before any URL (WhiteNoise). The main URLconf stays the one place routes are
written.
"""

from django.urls import URLPattern, URLResolver

from spotcheck import urls as main

PORTAL_PREFIXES = ("public/", "i18n/")
PORTAL_NAMES = {"portal_home"}


def _is_portal(entry: URLPattern | URLResolver) -> bool:
    route = str(entry.pattern)
    if isinstance(entry, URLPattern) and entry.name in PORTAL_NAMES:
        return True
    return route.startswith(PORTAL_PREFIXES)


def _favicon() -> list[URLPattern]:
    # /favicon.ico sits in the staff workspace's URLs (web:favicon); browsers ask for it on every
    # host, so the portal host answers it with the same view (a redirect to the static SVG).
    from spotcheck.web.urls import urlpatterns as web_patterns

    return [p for p in web_patterns if isinstance(p, URLPattern) and p.name == "favicon"]


urlpatterns = [entry for entry in main.urlpatterns if _is_portal(entry)] + _favicon()

# The staff error pages extend the staff layout, whose links (the workspace, the login page)
# do not exist here: the portal's own pages answer instead.
handler403 = "spotcheck.portal.views.permission_denied_view"
handler404 = "spotcheck.portal.views.page_not_found_view"
