"""Staff API of the exchange with the national publicity system (issue 14, item 8): the published
results in its layout (``exchange.py``), as JSON a page of results at a time or as one CSV file.
Any staff member (not a witness-only user) may read it: every row is already public."""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.viewsets import ViewSet

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_department_data_reader
from spotcheck.core.params import parse_year
from spotcheck.publication.exchange import exchange_results, exchange_rows, write_csv


class ExchangeRowSerializer(serializers.Serializer):
    object_name = serializers.CharField(help_text=gettext_lazy("企业名称"))
    object_uscc = serializers.CharField(help_text=gettext_lazy("统一社会信用代码（无则为平台公开编码）"))
    plan_number = serializers.CharField(help_text=gettext_lazy("抽查计划编号"))
    plan_title = serializers.CharField(help_text=gettext_lazy("抽查计划名称"))
    task_code = serializers.CharField(help_text=gettext_lazy("任务编号"))
    task_title = serializers.CharField(help_text=gettext_lazy("任务名称"))
    task_kind = serializers.CharField(help_text=gettext_lazy("抽查类型"))
    department = serializers.CharField(help_text=gettext_lazy("抽查机关"))
    completed_on = serializers.DateField(help_text=gettext_lazy("抽查完成日期"))
    item_name = serializers.CharField(help_text=gettext_lazy("事项名称"))
    result = serializers.CharField(help_text=gettext_lazy("检查结果"))
    result_codes = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("检查结果代码"))


class ExchangePagination(PageNumberPagination):
    page_size = 200
    page_size_query_param = "page_size"
    max_page_size = 1000


class ExchangeViewSet(ViewSet):
    pagination_class = ExchangePagination

    def _filters(self, request: Request) -> dict:
        params = request.query_params
        errors: dict[str, list[str]] = {}
        department = None
        if code := params.get("department", "").strip():
            department = Department.objects.filter(code=code.upper()[:16]).first()
            if department is None:
                errors["department"] = [_("没有该部门代码。")]
        year = None
        if raw := params.get("year", "").strip():
            year = parse_year(raw)
            if year is None:
                errors["year"] = [_("不是有效的年度。")]
        since = None
        if raw := params.get("since", "").strip():
            try:
                since = dt.date.fromisoformat(raw[:10])
            except ValueError:
                errors["since"] = [_("日期应写作 2026-06-01。")]
        fmt = params.get("output", "json")
        if fmt not in ("json", "csv"):
            errors["output"] = [_("格式只能是 json 或 csv。")]
        if errors:
            raise ValidationError(errors)
        return {"department": department, "year": year, "since": since, "fmt": fmt}

    @extend_schema(
        summary=gettext_lazy("按国家企业信用信息公示系统格式导出已公示的检查结果"),
        description=gettext_lazy(
            "每个事项一行：抽查计划编号/名称、任务编号/名称、抽查类型、抽查机关、抽查完成日期、事项名称、检查结果。"
            "output=csv 时返回整个 CSV 文件（UTF-8 带 BOM）；否则按检查结果分页返回 JSON。"
        ),
        parameters=[
            OpenApiParameter("department", OpenApiTypes.STR, description=gettext_lazy("抽查机关的部门代码")),
            OpenApiParameter("year", OpenApiTypes.INT, description=gettext_lazy("公告年度")),
            OpenApiParameter("since", OpenApiTypes.DATE, description=gettext_lazy("此日期及以后公示的")),
            OpenApiParameter("output", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses=ExchangeRowSerializer(many=True),
    )
    def list(self, request: Request):
        require_department_data_reader(request.user)
        filters = self._filters(request)
        results = exchange_results(department=filters["department"], year=filters["year"], since=filters["since"])
        if filters["fmt"] == "csv":
            buffer = io.StringIO()
            write_csv(exchange_rows(results), buffer)
            response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="results-exchange.csv"'
            return response
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(results, request, view=self)
        ids = [row.pk for row in page]
        rows = list(exchange_rows(results.filter(pk__in=ids)))
        return paginator.get_paginated_response(ExchangeRowSerializer(rows, many=True).data)
