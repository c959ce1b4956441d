"""REST API of the annual plans, with the same rules as the pages: reads through the selectors
and access helpers, writes through the services (their Django ValidationError becomes a 400
with the same Chinese messages, keyed by field where the service names one)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_staff
from spotcheck.core.params import ID_PATTERN, YearFilter
from spotcheck.planning import services
from spotcheck.planning.access import get_entry_for_user, get_plan_for_user, get_stratum_for_user
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from spotcheck.planning.selectors import live_entries, plan_history, plan_list, retired_entries
from spotcheck.planning.serializers import (
    AdjustmentReasonSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanEntryInputSerializer,
    PlanEntrySerializer,
    PlanListSerializer,
    PlanReasonSerializer,
    PlanStratumInputSerializer,
    PlanStratumSerializer,
    PlanUpdateSerializer,
)


def _plan_detail(request: Request, plan: AnnualPlan, status_code: int = status.HTTP_200_OK) -> Response:
    """The plan as the detail page shows it, read afresh through the access helper."""
    plan = get_plan_for_user(request.user, plan.pk)
    context = {
        "request": request,
        "entries": live_entries(plan),
        "retired_entries": retired_entries(plan),
        "events": plan_history(plan),
    }
    return Response(PlanDetailSerializer(plan, context=context).data, status=status_code)


def _partial_input(serializer_class, request: Request, current: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Parse an update; a PATCH keeps the fields it does not send as they are."""
    body = serializer_class(data=request.data, partial=partial)
    body.is_valid(raise_exception=True)
    data = dict(body.validated_data)
    reason = data.pop("reason", "")
    return (current | data if partial else data) | {"reason": reason}


class PlanFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label=_("计划年度"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), to_field_name="code", field_name="department", label=_("编制部门代码")
    )
    status = django_filters.ChoiceFilter(choices=AnnualPlan.STATUS_CHOICES, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=AnnualPlan.Kind.choices, label=_("计划类型"))
    include_retired = django_filters.BooleanFilter(
        method="filter_include_retired", label=_("含已作废的计划"), widget=forms.CheckboxInput
    )

    class Meta:
        model = AnnualPlan
        fields = ["year", "department", "status", "kind", "include_retired"]

    def filter_include_retired(self, queryset, name, value):
        # Applied in filter_queryset so that "not given" hides them too.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_retired"):
            queryset = queryset.filter(retired_at__isnull=True)
        return queryset


class _StaffOnly:
    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Users without a role see nothing of the back office, as on the pages.
        require_staff(request.user)


@extend_schema_view(
    list=extend_schema(summary=_("年度抽查计划列表")),
    retrieve=extend_schema(summary=_("计划详情：条目、分层和计划历史")),
)
class PlanViewSet(
    _StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """年度抽查计划: list, read, create and change a draft, run the workflow
    (submit → approve → file → publish, return with a reason, retire before publication) and
    add entries."""

    filterset_class = PlanFilter
    queryset = AnnualPlan.objects.none()
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AnnualPlan.objects.none()
        return plan_list(require_staff(self.request.user), include_retired=True)

    def get_serializer_class(self):
        if self.action == "list":
            return PlanListSerializer
        if self.action == "create":
            return PlanCreateSerializer
        return PlanDetailSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return _plan_detail(request, get_plan_for_user(request.user, int(kwargs["pk"])))

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """编制年度计划草稿：部门计划（给出部门代码）或部门联合抽查计划（联席办，不给部门）。"""
        body = PlanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = services.plan_create(
            actor=request.user,
            year=data["year"],
            title=data["title"],
            department=data["department"],
            # A joint plan without a region: the service takes the user's.
            region=data["region"] if data["department"] is None else None,
        )
        return _plan_detail(request, plan, status.HTTP_201_CREATED)

    @extend_schema(request=PlanUpdateSerializer, responses={200: PlanDetailSerializer})
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        """修改草稿或已退回计划的名称（已退回的计划回到草稿）。"""
        plan = get_plan_for_user(request.user, int(kwargs["pk"]), write=True)
        body = PlanUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.plan_update(actor=request.user, plan=plan, title=body.validated_data["title"])
        return _plan_detail(request, plan)

    def _step(self, request: Request, pk: str, service, *, write: bool = False, body=None) -> Response:
        """One workflow step; the service decides who may take it (as on the pages)."""
        plan = get_plan_for_user(request.user, int(pk), write=write)
        kwargs: dict[str, Any] = {}
        if body is not None:
            parsed = body(data=request.data)
            parsed.is_valid(raise_exception=True)
            kwargs = dict(parsed.validated_data)
        service(actor=request.user, plan=plan, **kwargs)
        return _plan_detail(request, plan)

    @extend_schema(request=None, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """提交审核（部门计划由本部门管理员提交，部门联合抽查计划由联席办提交）。"""
        return self._step(request, pk, services.plan_submit, write=True)

    @extend_schema(request=None, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """审核通过（本部门审核/分管领导或联席办协调员；提交人不能审核自己提交的计划）。"""
        return self._step(request, pk, services.plan_approve)

    @extend_schema(request=PlanReasonSerializer, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_plan(self, request: Request, pk: str) -> Response:
        """退回待审核或待备案的计划，须说明理由。"""
        return self._step(request, pk, services.plan_return, body=PlanReasonSerializer)

    @extend_schema(request=None, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"], url_path="file", url_name="file")
    def file_plan(self, request: Request, pk: str) -> Response:
        """受理备案（联席办协调员）；1 月 31 日后备案记为逾期。"""
        return self._step(request, pk, services.plan_file)

    @extend_schema(request=None, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """公布已备案的计划（联席办协调员）。"""
        return self._step(request, pk, services.plan_publish)

    @extend_schema(request=PlanReasonSerializer, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        """作废尚未公布的计划，须说明原因（已公布的计划只能调整）。"""
        return self._step(request, pk, services.plan_retire, write=True, body=PlanReasonSerializer)

    @extend_schema(request=PlanEntryInputSerializer, responses={201: PlanEntrySerializer})
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: str) -> Response:
        """新增计划条目；计划公布后的新增是一次调整，须填写调整原因。"""
        plan = get_plan_for_user(request.user, int(pk), write=True)
        body = PlanEntryInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.entry_add(actor=request.user, plan=plan, **body.validated_data)
        return Response(PlanEntrySerializer(get_entry_for_user(request.user, entry.pk)).data, status.HTTP_201_CREATED)


class PlanEntryViewSet(_StaffOnly, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """计划条目: read, change (PATCH sends only the fields to change), retire, and add strata.
    On a published plan every change is an adjustment and needs ``reason``."""

    queryset = PlanEntry.objects.none()
    lookup_value_regex = ID_PATTERN

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return PlanEntryInputSerializer
        return PlanEntrySerializer

    def get_object(self) -> PlanEntry:
        write = self.request.method not in SAFE_METHODS
        return get_entry_for_user(self.request.user, int(self.kwargs["pk"]), write=write)

    @extend_schema(request=PlanEntryInputSerializer, responses={200: PlanEntrySerializer})
    def update(self, request: Request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        entry = self.get_object()
        data = _partial_input(
            PlanEntryInputSerializer, request, PlanEntryInputSerializer.current(entry), partial=partial
        )
        entry = services.entry_update(actor=request.user, entry=entry, **data)
        return Response(PlanEntrySerializer(get_entry_for_user(request.user, entry.pk)).data)

    @extend_schema(request=PlanEntryInputSerializer, responses={200: PlanEntrySerializer})
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=AdjustmentReasonSerializer, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        """撤销条目：未公布过的计划直接删去该条目；已公布的计划保留条目并记入调整记录（须填写原因）。"""
        entry = self.get_object()
        body = AdjustmentReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.entry_remove(actor=request.user, entry=entry, reason=body.validated_data["reason"])
        return _plan_detail(request, entry.plan)

    @extend_schema(request=PlanStratumInputSerializer, responses={201: PlanStratumSerializer})
    @action(detail=True, methods=["post"])
    def strata(self, request: Request, pk: str) -> Response:
        """新增抽取分层。"""
        entry = self.get_object()
        body = PlanStratumInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        stratum = services.stratum_add(actor=request.user, entry=entry, **body.validated_data)
        return Response(PlanStratumSerializer(stratum).data, status.HTTP_201_CREATED)

    @extend_schema(request=AdjustmentReasonSerializer, responses={201: PlanEntrySerializer})
    @action(detail=True, methods=["post"], url_path="default-strata", url_name="default-strata")
    def default_strata(self, request: Request, pk: str) -> Response:
        """为尚无分层的条目套用默认信用分层（A 5%、B 20%、C 60%、D 100%）。"""
        entry = self.get_object()
        body = AdjustmentReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.entry_add_default_strata(actor=request.user, entry=entry, reason=body.validated_data["reason"])
        return Response(PlanEntrySerializer(get_entry_for_user(request.user, entry.pk)).data, status.HTTP_201_CREATED)


class PlanStratumViewSet(_StaffOnly, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """抽取分层: read, change (PATCH sends only the fields to change) and retire. On a published
    plan every change is an adjustment and needs ``reason``."""

    queryset = PlanStratum.objects.none()
    lookup_value_regex = ID_PATTERN

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return PlanStratumInputSerializer
        return PlanStratumSerializer

    def get_object(self) -> PlanStratum:
        write = self.request.method not in SAFE_METHODS
        return get_stratum_for_user(self.request.user, int(self.kwargs["pk"]), write=write)

    @extend_schema(request=PlanStratumInputSerializer, responses={200: PlanStratumSerializer})
    def update(self, request: Request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        stratum = self.get_object()
        current = PlanStratumInputSerializer.current(stratum)
        data = _partial_input(PlanStratumInputSerializer, request, current, partial=partial)
        stratum = services.stratum_update(actor=request.user, stratum=stratum, **data)
        return Response(PlanStratumSerializer(stratum).data)

    @extend_schema(request=PlanStratumInputSerializer, responses={200: PlanStratumSerializer})
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=AdjustmentReasonSerializer, responses={200: PlanDetailSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        """撤销分层：未公布过的计划直接删去；已公布的计划保留分层并记入调整记录（须填写原因）。"""
        stratum = self.get_object()
        body = AdjustmentReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.stratum_remove(actor=request.user, stratum=stratum, reason=body.validated_data["reason"])
        return _plan_detail(request, stratum.entry.plan)
