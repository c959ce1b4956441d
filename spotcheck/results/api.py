"""REST API of a visit's result (issue 13, item 13), with the result page's rules
(spotcheck/results/views.py): read by whoever reads the visit (others: 404), entered by its
team (a reader off the team: 403) through ``services.result_save`` — the form's validation,
409 with the current revision when the client's base revision is stale, and a resent
``client_id`` answered with what it saved the first time (saved once) — and confirmed through
``services.result_confirm``."""

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
    certificate_number = serializers.CharField(source="inspector.certificate_number")
    confirmed_at = serializers.DateTimeField()


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
    data = serializers.SerializerMethodField()
    confirmations = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, result: VisitResult) -> dict[str, Any]:
        """The current revision as kept whole (content.clean_result's canonical form)."""
        revision = ResultRevision.objects.filter(visit_result=result, number=result.revision).first()
        return revision.data if revision is not None else {}

    @extend_schema_field(ResultConfirmationApiSerializer(many=True))
    def get_confirmations(self, result: VisitResult) -> list[dict[str, Any]]:
        """The confirmations of the current revision."""
        rows = ResultConfirmation.objects.filter(visit_result=result, revision=result.revision).select_related(
            "inspector"
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


class ResultConfirmSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


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
        summary=gettext_lazy("录入或修改检查结果（检查组成员）"),
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
            )
        except services.StaleRevision as stale:
            current = stale.visit_result.revision
            message = _("检查结果已更新为第 %(current)s 版，请基于最新版本修改后再提交。") % {"current": current}
            return Response({"detail": message, "current_revision": current}, status=status.HTTP_409_CONFLICT)
        return Response(VisitResultApiSerializer(selectors.result_of(result.visit_id)).data)

    @extend_schema(
        summary=gettext_lazy("确认检查结果（持有效执法证的检查组成员）"),
        request=ResultConfirmSerializer,
        responses={200: VisitResultApiSerializer},
    )
    def confirm(self, request: Request, visit_pk: str) -> Response:
        visit = access.get_result_visit_for_user(request.user, int(visit_pk))
        result = _result_or_404(visit)
        body = ResultConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.result_confirm(actor=request.user, visit_result=result, revision=body.validated_data["revision"])
        return Response(VisitResultApiSerializer(selectors.result_of(visit)).data)
