"""The open data API (一公开, /public/api/v1/): read-only, no login, no session or CSRF, throttled
per address. Every row comes from the portal's public selectors (spotcheck/portal), which decide
what is public; these views validate the query, page and render."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from spotcheck.core.counting import CappedCount
from spotcheck.opendata import params, serializers
from spotcheck.opendata.codes import code_lists
from spotcheck.opendata.kept import keep_answer
from spotcheck.opendata.throttling import OpenDataRateThrottle
from spotcheck.portal import selectors, selectors_results, selectors_search

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("参数有误：{参数名: [说明]}")),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("请求过于频繁：见 Retry-After（秒）")),
}
NOT_FOUND = {404: OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("没有公开的此项"))}


class OpenDataView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataRateThrottle]
    renderer_classes = [JSONRenderer]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # load14: every view's answer is kept for the next client (opendata/kept.py), after the
        # throttle; done here so that no view of this API can be added without it.
        super().__init_subclass__(**kwargs)
        if "get" in cls.__dict__:
            cls.get = keep_answer(cls.__dict__["get"])


def _page(
    request: Request,
    query: dict[str, Any],
    rows: QuerySet,
    shape: Callable[[list], list[dict[str, Any]]],
    last_update: Callable[[QuerySet], Any],
    serializer: type,
    *,
    capped: bool = False,
    **extra: Any,
) -> Response:
    """One page of ``rows`` with the paging metadata; a page past the last is a 400. A list
    that may hold a province's 10^6 rows is ``capped``: its total counts at most
    ``COUNT_CAP`` + 1 rows (one LIMIT query, as the portal search's), ``truncated`` says there
    are more, and the pages reach the first ``COUNT_CAP`` rows (narrower filters, or the bulk
    files, for the rest)."""
    page, size = query["page"], query["page_size"]
    if capped:
        counted = CappedCount.of(rows)
        total = counted.shown
        extra["truncated"] = counted.truncated
    else:
        total = rows.count()
    pages = max(1, math.ceil(total / size))
    _check_page(page, pages)
    chunk = list(rows[(page - 1) * size : min(page * size, total)])
    url = request.build_absolute_uri()
    data = {
        "total": total,
        "page": page,
        "page_size": size,
        "pages": pages,
        "last_update": last_update(rows) if total else None,
        "next": replace_query_param(url, "page", page + 1) if page < pages else None,
        "previous": _previous(url, page),
        "results": shape(chunk),
        **extra,
    }
    return Response(serializer(data).data)


def _check_page(page: int, pages: int) -> None:
    if page > pages:
        raise ValidationError({"page": [_("没有第 %(page)s 页：共 %(pages)s 页。") % {"page": page, "pages": pages}]})


def _previous(url: str, page: int) -> str | None:
    if page <= 1:
        return None
    return replace_query_param(url, "page", page - 1) if page > 2 else remove_query_param(url, "page")


def _filters(query: dict[str, Any], *names: str) -> dict[str, Any]:
    """The validated filters the selector takes (the region's code became its subtree's ids)."""
    out = {n: query[n] for n in names if n in query}
    if "region" in query:
        out["region_ids"] = query["region"]
    if "q" in query:
        out["name"] = query["q"]
    return out


COMMON = ("department", "year", "date_from", "date_to")


# ---------------------------------------------------------------------------------- items


class ItemListView(OpenDataView):
    @extend_schema(
        operation_id="items_list",
        summary=gettext_lazy("抽查事项清单"),
        description=gettext_lazy(
            "已备案并公布的事项版本（现行的和被替代的），按部门、事项编码、版本号从新到旧。"
            "year、date_from、date_to 指公布日期；q 查事项名称。"
        ),
        parameters=[params.ItemParams],
        responses={200: serializers.ItemPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = params.parse(params.ItemParams, request)
        rows = selectors.search_item_versions(**_filters(query, *COMMON, "category", "method", "current"))
        return _page(
            request,
            query,
            rows,
            lambda chunk: [selectors.public_item_row(v) for v in chunk],
            selectors.items_last_update,
            serializers.ItemPage,
        )


class ItemDetailView(OpenDataView):
    @extend_schema(
        operation_id="items_versions",
        summary=gettext_lazy("一个事项的全部公布版本"),
        responses={200: serializers.Item(many=True), **NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        versions = selectors.public_item_versions_of(code)
        return Response(serializers.Item([selectors.public_item_row(v) for v in versions], many=True).data)


# ---------------------------------------------------------------------------------- plans


class PlanListView(OpenDataView):
    @extend_schema(
        operation_id="plans_list",
        summary=gettext_lazy("年度抽查计划"),
        description=gettext_lazy(
            "已公布、未作废的计划。year 为计划年度；date_from、date_to 指公布日期；q 查计划名称。"
        ),
        parameters=[params.PlanParams],
        responses={200: serializers.PlanPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = params.parse(params.PlanParams, request)
        rows = selectors.search_plans(**_filters(query, *COMMON, "kind"))
        return _page(
            request,
            query,
            rows,
            lambda chunk: [selectors.public_plan_row(p) for p in chunk],
            selectors.plans_last_update,
            serializers.PlanPage,
        )


class PlanDetailView(OpenDataView):
    @extend_schema(
        operation_id="plans_retrieve",
        summary=gettext_lazy("一个年度抽查计划及其条目"),
        responses={200: serializers.PlanDetail, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = selectors.public_plan(pk)
        return Response(serializers.PlanDetail(selectors.public_plan_row(plan, entries=True)).data)


# ---------------------------------------------------------------------------------- tasks


def _task_links(request: Request, row: dict[str, Any]) -> dict[str, Any]:
    return row | {
        "url": request.build_absolute_uri(reverse("opendata:task", args=[row["code"]])),
        "record_url": request.build_absolute_uri(reverse("opendata:task_record", args=[row["code"]])),
    }


class TaskListView(OpenDataView):
    @extend_schema(
        operation_id="tasks_list",
        summary=gettext_lazy("抽查任务公告"),
        description=gettext_lazy(
            "已发布公告的任务，公告时间从新到旧。department 为牵头或参与部门；region 为牵头部门的区划；"
            "year 为检查开始日期的年度；date_from、date_to 指公告日期；q 查任务名称。"
        ),
        parameters=[params.TaskParams],
        responses={200: serializers.TaskPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = params.parse(params.TaskParams, request)
        rows = selectors.search_tasks(**_filters(query, *COMMON, "kind", "drawn"))
        return _page(
            request,
            query,
            rows,
            lambda chunk: [_task_links(request, selectors.public_task_row(t)) for t in chunk],
            selectors.tasks_last_update,
            serializers.TaskPage,
        )


class TaskDetailView(OpenDataView):
    @extend_schema(
        operation_id="tasks_retrieve",
        summary=gettext_lazy("一个抽查任务的公告与抽取结果"),
        responses={200: serializers.TaskDetail, **NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        task = selectors.public_task(code)
        return Response(serializers.TaskDetail(_task_links(request, selectors.public_task_detail(task))).data)


class TaskRecordView(OpenDataView):
    @extend_schema(
        operation_id="tasks_record",
        summary=gettext_lazy("抽取记录"),
        description=gettext_lazy(
            "与 /public/tasks/{code}/record.json 相同：抽取前为任务公告（输入、摘要、承诺值），"
            "抽取并公布名单后为不含回避名单的完整记录，可用 verify_draw.py 验证。"
        ),
        responses={200: OpenApiTypes.OBJECT, **NOT_FOUND},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(selectors.public_record(selectors.public_task(code)))


# -------------------------------------------------------------------------------- results


class ResultListView(OpenDataView):
    @extend_schema(
        operation_id="results_list",
        summary=gettext_lazy("检查结果"),
        description=gettext_lazy(
            "公示中和已撤下的结果（更正前的旧版本不公开），抽查完成日期从新到旧。department 为抽查机关；"
            "region 为检查对象的区划；year、date_from、date_to 指抽查完成日期；q 查企业最近公示的名称，"
            "uscc 查统一社会信用代码（与门户检索相同）；result 只匹配公示中的结果。"
            "符合条件的超过上限时 total 即上限（truncated 为 true）。"
        ),
        parameters=[params.ResultParams],
        responses={200: serializers.ResultPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = params.parse(params.ResultParams, request)
        rows = selectors_results.search_results(**_filters(query, *COMMON, "uscc", "result", "task", "notice", "state"))
        return _page(
            request,
            query,
            rows,
            selectors_results.public_result_rows,
            lambda _rows: selectors_results.publication_last_update(),
            serializers.ResultPage,
            capped=True,
        )


class EnterpriseResultsView(OpenDataView):
    @extend_schema(
        operation_id="enterprises_results",
        summary=gettext_lazy("一个企业的检查结果记录"),
        description=gettext_lazy("各部门对此对象公示的全部结果；只对有公示结果的对象存在。"),
        parameters=[params.EnterpriseResultParams],
        responses={200: serializers.EnterpriseResultPage, **ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, public_code: str) -> Response:
        history = selectors_results.public_object_results(public_code)
        query = params.parse(params.EnterpriseResultParams, request)
        latest = history.order_by("-published_at", "-pk").first()
        record = latest.record["object"]
        rows = selectors_results.search_results(rows=history, **_filters(query, *COMMON, "result", "state"))
        return _page(
            request,
            query,
            rows,
            selectors_results.public_result_rows,
            selectors_results.results_last_update,
            serializers.EnterpriseResultPage,
            capped=True,
            # The name as last published (masked for a 个体工商户), not the directory's.
            enterprise={"public_code": record["public_code"], "uscc": record["uscc"], "name": record["name"]},
        )


# ------------------------------------------------------------------------- result notices


class ResultNoticeListView(OpenDataView):
    @extend_schema(
        operation_id="notices_list",
        summary=gettext_lazy("检查结果公告"),
        description=gettext_lazy(
            "有公示结果的检查结果公告，最近更新的在前。department 为公告机关；year 为公告年度；"
            "date_from、date_to 指首次公示日期；q 查任务名称。公告的结果见 /results/?notice={id}。"
        ),
        parameters=[params.NoticeParams],
        responses={200: serializers.NoticePage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = params.parse(params.NoticeParams, request)
        rows = selectors_results.search_result_notices(**_filters(query, *COMMON))
        return _page(
            request,
            query,
            rows,
            lambda chunk: [
                selectors_results.public_result_notice_row(n)
                | {"results_url": _absolute(request, "opendata:results") + f"?notice={n.pk}"}
                for n in chunk
            ],
            selectors_results.result_notices_last_update,
            serializers.NoticePage,
        )


def _absolute(request: Request, name: str, *args: str) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


# -------------------------------------------------------------------- enterprise search


class EnterpriseSearchView(OpenDataView):
    @extend_schema(
        operation_id="enterprises_search",
        summary=gettext_lazy("检索有公示结果的企业"),
        description=gettext_lazy(
            "与门户的检索（/public/search/）相同的条件与结果：名称片段、公开编码或统一社会信用代码、部门、区划、"
            "行业、检查结果、抽查完成日期；最近抽查完成的在前。匹配数有上限（truncated 为 true 时 total 即上限）。"
        ),
        parameters=[params.EnterpriseSearchParams],
        responses={200: serializers.EnterpriseSearchPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = params.parse(params.EnterpriseSearchParams, request)
        criteria = selectors_search.SearchCriteria(
            q=query.get("q", ""),
            code=query.get("code", ""),
            department=query.get("department"),
            region=query.get("region"),
            industry=query.get("industry"),
            result=query.get("result", ""),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
        )
        matches = selectors_search.CappedSearch(criteria)
        page, size = query["page"], query["page_size"]
        pages = max(1, math.ceil(len(matches) / size))
        if page > pages:
            raise ValidationError(
                {"page": [_("没有第 %(page)s 页：共 %(pages)s 页。") % {"page": page, "pages": pages}]}
            )
        chunk = matches[(page - 1) * size : page * size]
        url = request.build_absolute_uri()
        rows = [
            row | {"results_url": _absolute(request, "opendata:enterprise_results", row["public_code"])}
            for row in selectors_search.public_enterprise_rows(chunk)
        ]
        data = {
            "total": len(matches),
            "truncated": matches.truncated,
            "page": page,
            "page_size": size,
            "pages": pages,
            "last_update": selectors_results.publication_last_update() if len(matches) else None,
            "next": replace_query_param(url, "page", page + 1) if page < pages else None,
            "previous": _previous(url, page),
            "results": rows,
        }
        return Response(serializers.EnterpriseSearchPage(data).data)


# ---------------------------------------------------------------------------------- codes


class CodesView(OpenDataView):
    @extend_schema(
        operation_id="codes",
        summary=gettext_lazy("代码表"),
        description=gettext_lazy("开放数据中出现的每个代码表：名称、用在哪些字段或参数、代码与名称。"),
        responses={200: serializers.CodeList(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(code_lists())
