"""REST API of a visit's result (issue 13, item 13), with the result page's rules
(spotcheck/results/views.py): read by whoever reads the visit (others: 404), entered by its
team (a reader off the team: 403) through ``services.result_save`` — the form's validation,
409 with the current revision when the client's base revision is stale, and a resent
``client_id`` answered with what it saved the first time (saved once) — and confirmed through
``services.result_confirm``. A department's own system (a read-write API token of a department
whose items are on the visit) enters for a named team officer (``entered_for``) and confirms for
a named certified officer (``inspector``); both it and the officer stay on record."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.results import access, selectors, services
from spotcheck.results.models import ResultConfirmation, ResultRevision, VisitResult


class ResultConfirmationApiSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    inspector = serializers.CharField(source="inspector.name")
    inspector_id = serializers.IntegerField()
    certificate_number = serializers.CharField(source="inspector.certificate_number")
    confirmed_by = serializers.CharField(
        source="user.display_name", help_text=gettext_lazy("确认的账号：执法人员本人，或代其确认的部门业务系统")
    )
    confirmed_at = serializers.DateTimeField()


class EnteredForApiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    certificate_number = serializers.CharField()


class VisitResultApiSerializer(serializers.Serializer):
    visit = serializers.IntegerField(source="visit_id")
    status = serializers.CharField()
    outcome = serializers.CharField()
    not_carried_out_reason = serializers.CharField()
    not_carried_out_note = serializers.CharField()
    completed_on = serializers.DateField()
    revision = serializers.IntegerField()
    entered_by = serializers.CharField(source="entered_by.full_name")
    entered_at = serializers.DateTimeField()
    updated_by = serializers.CharField(source="updated_by.full_name")
    updated_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    publication_due_on = serializers.DateField(allow_null=True)
    entered_by_label = serializers.SerializerMethodField(
        help_text=gettext_lazy("首次录入者：本人姓名，或“由 {系统名称} 代 {姓名} 录入”")
    )
    updated_by_label = serializers.SerializerMethodField(
        help_text=gettext_lazy("当前版本的保存者：本人姓名，或“由 {系统名称} 代 {姓名} 录入”")
    )
    entered_for = serializers.SerializerMethodField(
        help_text=gettext_lazy("当前版本由部门业务系统代为录入时，所代的检查组成员；本人录入时为 null")
    )
    data = serializers.SerializerMethodField()
    confirmations = serializers.SerializerMethodField()

    def _revisions(self, result: VisitResult) -> dict[int, ResultRevision]:
        # The first and the current revision, with who saved them, read once per result.
        cache = self.context.setdefault("revisions", {})
        if result.pk not in cache:
            rows = ResultRevision.objects.filter(visit_result=result, number__in={1, result.revision}).select_related(
                "saved_by__api_token", "entered_for"
            )
            cache[result.pk] = {row.number: row for row in rows}
        return cache[result.pk]

    def get_entered_by_label(self, result: VisitResult) -> str:
        first = self._revisions(result).get(1)
        return first.saved_by_label if first is not None else result.entered_by.display_name

    def get_updated_by_label(self, result: VisitResult) -> str:
        current = self._revisions(result).get(result.revision)
        return current.saved_by_label if current is not None else result.updated_by.display_name

    @extend_schema_field(EnteredForApiSerializer(allow_null=True))
    def get_entered_for(self, result: VisitResult) -> dict[str, Any] | None:
        current = self._revisions(result).get(result.revision)
        if current is None or current.entered_for is None:
            return None
        return EnteredForApiSerializer(current.entered_for).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, result: VisitResult) -> dict[str, Any]:
        """The current revision as kept whole (content.clean_result's canonical form)."""
        revision = self._revisions(result).get(result.revision)
        return revision.data if revision is not None else {}

    @extend_schema_field(ResultConfirmationApiSerializer(many=True))
    def get_confirmations(self, result: VisitResult) -> list[dict[str, Any]]:
        """The confirmations of the current revision."""
        rows = ResultConfirmation.objects.filter(visit_result=result, revision=result.revision).select_related(
            "inspector", "user"
        )
        return ResultConfirmationApiSerializer(rows, many=True).data


class ResultSaveSerializer(serializers.Serializer):
    data = serializers.JSONField(help_text=gettext_lazy("检查结果内容：outcome、completed_on、按事项版本编号的 items"))
    base_revision = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text=gettext_lazy("修改时为所依据的版本号；首次录入为 null"),
    )
    client_id = serializers.UUIDField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    entered_for = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        default=None,
        help_text=gettext_lazy(
            "部门业务系统（API 令牌）必填：代为录入的检查组成员（执法检查人员编号）；检查组成员本人录入时不填"
        ),
    )


class ResultConfirmSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    inspector = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        default=None,
        help_text=gettext_lazy(
            "部门业务系统（API 令牌）必填：代为确认的检查组成员（持当日有效执法证的执法检查人员编号）；本人确认时不填"
        ),
    )


class StaleRevisionSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_revision = serializers.IntegerField()


def _result_or_404(visit) -> VisitResult:
    result = selectors.result_of(visit)
    if result is None:
        raise Http404(_("该检查还没有检查结果。"))
    return result


class VisitResultViewSet(viewsets.ViewSet):
    """检查结果 of one visit (``/visits/<id>/result/``)."""

    serializer_class = VisitResultApiSerializer

    @extend_schema(summary=gettext_lazy("检查结果（当前版本及其确认）"), responses={200: VisitResultApiSerializer})
    def retrieve(self, request: Request, visit_pk: str) -> Response:
        visit = access.get_result_visit_for_user(request.user, int(visit_pk))
        return Response(VisitResultApiSerializer(_result_or_404(visit)).data)

    @extend_schema(
        summary=gettext_lazy("录入或修改检查结果（检查组成员，或部门业务系统代检查组成员）"),
        description=gettext_lazy(
            "检查组成员本人录入；本检查事项所属部门（发起部门或有事项在本任务中的参与部门）的读写 API 令牌"
            "须以 entered_for 指明代为录入的检查组成员，系统与该成员均记入版本和审计日志。"
            "client_id 相同的重复提交只保存一次，返回首次保存的结果；base_revision 过期时返回 409。"
        ),
        request=ResultSaveSerializer,
        responses={200: VisitResultApiSerializer, 409: StaleRevisionSerializer},
    )
    def update(self, request: Request, visit_pk: str) -> Response:
        visit = access.get_result_visit_for_user(request.user, int(visit_pk), write=True)
        body = ResultSaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = services.result_save(
                actor=request.user,
                visit=visit,
                data=data["data"],
                base_revision=data["base_revision"],
                client_id=data.get("client_id"),
                reason=data["reason"],
                entered_for=data["entered_for"],
            )
        except services.StaleRevision as stale:
            current = stale.visit_result.revision
            message = _("检查结果已更新为第 %(current)s 版，请基于最新版本修改后再提交。") % {"current": current}
            return Response({"detail": message, "current_revision": current}, status=status.HTTP_409_CONFLICT)
        return Response(VisitResultApiSerializer(selectors.result_of(result.visit_id)).data)

    @extend_schema(
        summary=gettext_lazy("确认检查结果（持有效执法证的检查组成员，或部门业务系统代其确认）"),
        description=gettext_lazy(
            "须规定人数（SPOTCHECK_RESULT_CONFIRMATIONS，默认 2 名）持有效执法证的检查组成员确认当前版本，"
            "其中一人为录入者（系统代录时为所代的成员）。"
            "部门业务系统须以 inspector 指明代为确认的成员；同一成员不能重复确认。"
        ),
        request=ResultConfirmSerializer,
        responses={200: VisitResultApiSerializer},
    )
    def confirm(self, request: Request, visit_pk: str) -> Response:
        visit = access.get_confirm_visit_for_user(request.user, int(visit_pk))
        result = _result_or_404(visit)
        body = ResultConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.result_confirm(
            actor=request.user,
            visit_result=result,
            revision=body.validated_data["revision"],
            inspector=body.validated_data["inspector"],
        )
        return Response(VisitResultApiSerializer(selectors.result_of(visit)).data)
