"""The open data API's own OpenAPI schema and docs, apart from the staff API's: each schema keeps
only its own paths (``public_endpoints`` here, ``staff_endpoints`` in SPECTACULAR_SETTINGS)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from spotcheck.opendata.throttling import OpenDataRateThrottle

PREFIX = "/public/api/"


def public_endpoints(endpoints: list, **kwargs) -> list:
    return [e for e in endpoints if e[0].startswith(PREFIX)]


def staff_endpoints(endpoints: list, **kwargs) -> list:
    return [e for e in endpoints if not e[0].startswith(PREFIX)]


SCHEMA_SETTINGS = {
    "TITLE": _("Spotcheck 开放数据 API（双随机、一公开）"),
    "DESCRIPTION": _(
        "只读、免登录的公开数据：抽查事项清单、年度抽查计划、抽查任务公告、抽取记录、检查结果及企业的检查结果记录。"
        "每个列表带分页信息（total、page、page_size、last_update）；代码表见 /public/api/v1/codes/。"
        "按访问地址限流，超出返回 429 与 Retry-After。"
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/public/api/v[0-9]+",
    "PREPROCESSING_HOOKS": ["spotcheck.opendata.schema.public_endpoints"],
}


class OpenDataSchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataRateThrottle]
    custom_settings = SCHEMA_SETTINGS


class OpenDataDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular's sidecar, served here (no CDN), for anyone."""

    template_name = "api/docs.html"
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataRateThrottle]
    title = _("Spotcheck 开放数据 API")
