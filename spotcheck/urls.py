from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from spotcheck.portal import views as portal_views
from spotcheck.web.api_docs import api_docs

# The staff API, versioned: a change that breaks clients comes as /api/v2/ beside this one. The
# public open data (一公开) has its own API under the portal (/public/api/v1/, open14); this
# one's schema and docs are for logged-in staff.
api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    path("", include("spotcheck.directory.api_urls")),
    path("", include("spotcheck.inspectors.api_urls")),
    path("", include("spotcheck.catalog.api_urls")),
    path("", include("spotcheck.planning.api_urls")),
    path("", include("spotcheck.draws.api_urls")),
    path("", include("spotcheck.inspections.api_urls")),  # i13-api
    path("", include("spotcheck.results.api_urls")),  # i13-api
    path("", include("spotcheck.evidence.api_urls")),  # i13-api
    path("", include("spotcheck.followups.api_urls")),  # i13-api
    path("", include("spotcheck.publication.api_urls")),  # pub14
]

urlpatterns = [
    path("", include("spotcheck.web.urls")),
    path("accounts/", include("spotcheck.accounts.urls")),
    path("objects/", include("spotcheck.directory.urls")),
    path("inspectors/", include("spotcheck.inspectors.urls")),
    path("items/", include("spotcheck.catalog.urls")),
    path("plans/", include("spotcheck.planning.urls")),
    path("tasks/", include("spotcheck.draws.urls")),
    path("inspections/", include("spotcheck.inspections.urls")),
    path("public/", include("spotcheck.portal.urls")),
    path("imports/", include("spotcheck.imports.urls")),
    path("audit/", include("spotcheck.audit.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/", RedirectView.as_view(pattern_name="api:docs")),
    path("followups/", include("spotcheck.followups.urls")),  # issue 13, item 9 (i13-followups)
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # 证据材料 (i13-evidence). MEDIA_ROOT holds evidence and is served by no URL, not even with
    # DEBUG: files go out only through the access-checked view.
    path("evidence/", include("spotcheck.evidence.urls")),
    # i13-deadlines
    path("notices/", include("spotcheck.notices.urls")),
    path("", include("spotcheck.deadlines.urls")),
    # --- results (issue 13, items 5, 7, 8; i13-results) ---
    path("results/", include("spotcheck.results.urls")),
    # 检查结果公示 (issue 14, item 1; pub14)
    path("publication/", include("spotcheck.publication.urls")),
    # 企业说明/异议, 投诉答复 (issue 14, item 4; voice14)
    path("replies/", include("spotcheck.replies.urls")),
    # (portal14) The portal's index at `/` for everyone (issue 14, item 2); the staff workspace is
    # at /work/ (web:home) and the rest of the portal stays under /public/, where printed 检查码
    # QR codes point. On a host in SPOTCHECK_PORTAL_HOSTS only the portal answers: urls_portal.py.
    path("", portal_views.index_view, name="portal_home"),
    # 开放数据 (issue 14, item 6; open14): read-only, no login, its own schema
    path("public/api/v1/", include("spotcheck.opendata.urls")),
]
