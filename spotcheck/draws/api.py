"""REST API of inspection tasks and their seed ceremony, with the same rules as the staff pages
(spotcheck/draws/views.py): reads through the access helper and the selectors, every step
through its service (a Django ValidationError becomes a 400 with the same Chinese messages;
no read access is a 404, a read-only role or a participating department asking to run the
ceremony a 403)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_staff, scope_for
from spotcheck.core.params import ID_PATTERN, YearFilter
from spotcheck.draws import access, ceremony_jobs, selectors, services
from spotcheck.draws.access import get_task_for_user
from spotcheck.draws.models import CeremonyJob, Draw, FrozenPool, PoolExclusionGroup, Task
from spotcheck.draws.serializers import (
    CancelSerializer,
    PoolExplanationSerializer,
    PublicVisitSerializer,
    RedrawRefuseSerializer,
    TaskCreateSerializer,
    TaskDetailSerializer,
    TaskFromEntrySerializer,
    TaskListSerializer,
    VisitPageSerializer,
    VisitSerializer,
    WitnessInputSerializer,
)
from spotcheck.drawspec import engine
from spotcheck.planning.access import get_entry_for_user, require_task_from_entry

# The frozen pool without its blobs (a province's pool runs to megabytes): not for a detail view.
POOL_SUMMARY_FIELDS = ("id", "task", "member_count", "roster", "exclusion_count", "frozen_on")


def _task_detail(request: Request, task: Task, status_code: int = status.HTTP_200_OK) -> Response:
    """The task as the detail page shows it, read afresh through the access helper. The result
    of the draw and the member blobs of the pool (megabytes for a province) are not loaded."""
    task = get_task_for_user(request.user, task.pk)
    scope = scope_for(request.user)
    context = {
        "request": request,
        "draw": Draw.objects.defer("result").select_related("drawn_by").filter(task=task).first(),
        "frozen": FrozenPool.objects.only(*POOL_SUMMARY_FIELDS).filter(task=task).first(),
        "witnesses": selectors.witness_inputs(task).select_related("witness_user"),
        "match_failure": selectors.match_failure(task),
        "ceremony_job": ceremony_jobs.job_to_show(task),
        "operator": access.can_operate(scope, task),
        "full_record": access.has_full_record_access(scope, task),
    }
    return Response(TaskDetailSerializer(task, context=context).data, status=status_code)


class TaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Task.Status.choices, label=gettext_lazy("状态"))
    kind = django_filters.ChoiceFilter(choices=Task.Kind.choices, label=gettext_lazy("任务类型"))
    year = YearFilter(field_name="window_start", lookup_expr="year")
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        to_field_name="code",
        method="filter_department",
        label=gettext_lazy("发起或参与部门代码"),
    )

    class Meta:
        model = Task
        fields = ["status", "kind", "year", "department"]

    @extend_schema_field(OpenApiTypes.STR)
    def filter_department(self, queryset, name, value):
        # The lead department is always among the participants; a subquery keeps the list's
        # counts free of join duplicates.
        through = Task.participating_departments.through
        return queryset.filter(Exists(through.objects.filter(task_id=OuterRef("pk"), department_id=value.pk)))


REASON_PARAMETER = OpenApiParameter(
    "reason",
    OpenApiTypes.STR,
    enum=PoolExclusionGroup.Reason.values,
    description=gettext_lazy("只看一种排除原因"),
)
PAGE_PARAMETER = OpenApiParameter("page", OpenApiTypes.INT, description=gettext_lazy("页码"))


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("抽查任务列表")),
    retrieve=extend_schema(summary=gettext_lazy("任务详情：分层、岗位、事项、任务公告与抽取")),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """抽查任务 and the seed ceremony (SC-DRAW-1): freeze → announce → witness inputs (≥ 2) →
    draw; cancel at any time; publish the list after the visits. Only the lead department (or
    the coordinator) runs the ceremony; participants of a joint task read it."""

    filterset_class = TaskFilter
    queryset = Task.objects.none()
    lookup_value_regex = ID_PATTERN

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # Users without a role see nothing of the back office, as on the pages.
        require_staff(request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        return selectors.task_list(require_staff(self.request.user)).prefetch_related("participating_departments")

    def get_serializer_class(self):
        if self.action == "list":
            return TaskListSerializer
        if self.action == "create":
            return TaskCreateSerializer
        return TaskDetailSerializer

    def _task(self, pk: str, *, write: bool = False) -> Task:
        return get_task_for_user(self.request.user, int(pk), write=write)

    def _replaced_task(self, code: str) -> Task | None:
        """The task a redraw names, by its code, among those the user reads."""
        if not code:
            return None
        task = selectors.tasks_for_scope(require_staff(self.request.user)).filter(code=code.strip()).first()
        if task is None:
            raise ValidationError({"replaces": [_("没有找到任务“%(code)s”。") % {"code": code}]})
        return task

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return _task_detail(request, self._task(kwargs["pk"]))

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """创建抽查任务草稿（发起部门）：事项使用其现行公布版本。"""
        body = TaskCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["items"] = [item.current_version for item in data["items"]]
        data["replaces"] = self._replaced_task(data["replaces"])
        task = services.task_create(actor=request.user, **data)
        return _task_detail(request, task, status.HTTP_201_CREATED)

    @extend_schema(request=TaskFromEntrySerializer, responses={201: TaskDetailSerializer})
    @action(detail=False, methods=["post"], url_path="from-entry", url_name="from-entry")
    def from_entry(self, request: Request) -> Response:
        """根据已公布年度计划的条目创建抽查任务草稿：部门、事项、范围、分层取自条目。"""
        body = TaskFromEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        entry = get_entry_for_user(request.user, data.pop("entry"))
        require_task_from_entry(scope_for(request.user), entry)
        data["replaces"] = self._replaced_task(data["replaces"])
        task = services.task_create_from_entry(actor=request.user, entry=entry, **data)
        return _task_detail(request, task, status.HTTP_201_CREATED)

    def _step(self, request: Request, pk: str, service, **kwargs: Any) -> Response:
        task = self._task(pk, write=True)
        service(actor=request.user, task=task, **kwargs)
        return _task_detail(request, task)

    def _step_or_job(self, request: Request, pk: str, step: str) -> Response:
        """A freeze or draw of a large pool is queued as a background job: 202, and the task's
        ``ceremony_job`` tells how it goes."""
        task = self._task(pk, write=True)
        job = ceremony_jobs.ceremony_step_run_or_queue(actor=request.user, task=task, step=step)
        return _task_detail(request, task, status.HTTP_200_OK if job is None else status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: TaskDetailSerializer, 202: TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def freeze(self, request: Request, pk: str) -> Response:
        """冻结对象库：对象库、检查人员名单和回避名单连同摘要一起固定。对象库较大时转入后台处理（202）。"""
        return self._step_or_job(request, pk, CeremonyJob.Step.FREEZE)

    @extend_schema(request=None, responses={200: TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def announce(self, request: Request, pk: str) -> Response:
        """发布任务公告：生成服务器密钥并公布其承诺值，此后才接受见证人输入。"""
        return self._step(request, pk, services.task_announce)

    @extend_schema(request=None, responses={200: TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def unfreeze(self, request: Request, pk: str) -> Response:
        """解除冻结（任务公告发布前）：丢弃已冻结的对象库、人员名单和回避名单（记入审计日志），任务退回草稿。"""
        return self._step(request, pk, services.task_unfreeze)

    @extend_schema(request=WitnessInputSerializer, responses={201: TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def witnesses(self, request: Request, pk: str) -> Response:
        """录入见证人输入：见证人录入自己的输入；发起部门的操作人代为录入时须写明见证人。"""
        task = self._task(pk)
        # Before the body is read: a user who may enter no input gets a 403, not field errors.
        access.require_witness_entry(scope_for(request.user), task)
        body = WitnessInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        extra = {k: data[k] for k in ("witness_user", "witness_name", "witness_department")}
        services.witness_input_add(actor=request.user, task=task, value=data["value"], **extra)
        return _task_detail(request, task, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TaskDetailSerializer, 202: TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request: Request, pk: str) -> Response:
        """揭晓服务器密钥，计算随机种子，抽取检查对象并匹配检查人员（全部成功或全部不保存）。对象库较大时转入后台处理（202）。"""
        return self._step_or_job(request, pk, CeremonyJob.Step.DRAW)

    @extend_schema(request=CancelSerializer, responses={200: TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """作废任务（须说明原因）；已抽取的任务保留抽取记录。"""
        task = self._task(pk, write=True)
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.task_cancel(actor=request.user, task=task, reason=body.validated_data["reason"])
        return _task_detail(request, task)

    @extend_schema(request=None, responses={200: TaskDetailSerializer})
    @action(detail=True, methods=["post"], url_path="redraw-approve", url_name="redraw-approve")
    def redraw_approve(self, request: Request, pk: str) -> Response:
        """批准重新抽取（联席办协调员，不能是申请人）：此后任务才能冻结对象库。"""
        task = self._task(pk)
        services.task_redraw_approve(actor=request.user, task=task)
        return _task_detail(request, task)

    @extend_schema(request=RedrawRefuseSerializer, responses={200: TaskDetailSerializer})
    @action(detail=True, methods=["post"], url_path="redraw-refuse", url_name="redraw-refuse")
    def redraw_refuse(self, request: Request, pk: str) -> Response:
        """不同意重新抽取（联席办协调员，须说明原因）：任务不能冻结对象库。"""
        task = self._task(pk)
        body = RedrawRefuseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.task_redraw_refuse(actor=request.user, task=task, reason=body.validated_data["reason"])
        return _task_detail(request, task)

    @extend_schema(request=None, responses={200: TaskDetailSerializer})
    @action(detail=True, methods=["post"], url_path="publish-list", url_name="publish-list")
    def publish_list(self, request: Request, pk: str) -> Response:
        """公开抽取名单（选择检查结束后公布名单的任务）。"""
        return self._step(request, pk, services.task_publish_list)

    @extend_schema(parameters=[REASON_PARAMETER, PAGE_PARAMETER], responses={200: PoolExplanationSerializer})
    @action(detail=True, methods=["get"])
    def pool(self, request: Request, pk: str) -> Response:
        """对象库说明：各分层的对象数与摘要，各排除原因的对象数，以及被排除的对象及其原因（分页）。"""
        task = self._task(pk)
        if not access.can_see_pool(scope_for(request.user), task):
            raise PermissionDenied(_("对象库说明不公开，见证人可查看任务公告和抽取记录公开版。"))
        reason = request.query_params.get("reason") or ""
        if reason and reason not in PoolExclusionGroup.Reason.values:
            raise ValidationError({"reason": [_("排除原因“%(reason)s”无效。") % {"reason": reason}]})
        frozen = FrozenPool.objects.only(*POOL_SUMMARY_FIELDS).filter(task=task).first()
        draw = Draw.objects.defer("result").filter(task=task).first()
        strata = []
        if draw is not None:
            strata = [
                {
                    "name": s["name"],
                    "count": s["count"],
                    "digest": s["digest"],
                    "sample_size": engine.sample_size(s["count"], s["ratio"], s["min"], s["max"]),
                }
                for s in draw.input["strata"]
            ]
        exclusions = selectors.pool_exclusions(task, reason)
        page = self.paginate_queryset(exclusions)
        body = {
            "member_count": frozen.member_count if frozen is not None else None,
            "strata": strata,
            "exclusion_counts": selectors.pool_exclusion_counts(task) if frozen is not None else [],
            "count": self.paginator.page.paginator.count,
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "results": page,
        }
        return Response(PoolExplanationSerializer(body).data)

    @extend_schema(parameters=[PAGE_PARAMETER], responses={200: VisitPageSerializer})
    @action(detail=True, methods=["get"])
    def visits(self, request: Request, pk: str) -> Response:
        """抽中的检查对象及其检查组，按分层名称和抽取序号排列（分页）。"""
        task = self._task(pk)
        scope = scope_for(request.user)
        if not access.can_see_targets(scope, task):
            raise PermissionDenied(_("抽取名单尚未公开。"))
        page = self.paginate_queryset(selectors.task_visits(task))
        # A witness sees the targets as the public does: without the teams.
        serializer = VisitSerializer if access.can_see_teams(scope, task) else PublicVisitSerializer
        return self.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description=gettext_lazy(
            "SC-DRAW-1 抽取记录（JSON），可用 verify_draw.py 验证。可查看回避关系的人员（任务各部门的管理员、审计人员）"
            "得到完整记录（含回避名单），见证人、联席办和其他读者得到公开版；冻结前为任务输入，公告后抽取前为任务公告。下载记入审计日志。"
        ),
    )
    @action(detail=True, methods=["get"])
    def record(self, request: Request, pk: str) -> Response:
        """下载抽取记录。"""
        task = self._task(pk)
        full = access.has_full_record_access(scope_for(request.user), task)
        record = services.task_record_download(actor=request.user, task=task, full=full)
        if record is None:
            raise Http404(_("该任务尚未冻结对象库，没有抽取记录。"))
        return Response(record)
