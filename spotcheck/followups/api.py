"""REST API of 后续处置 (issue 13, item 13), with the follow-up pages' rules
(spotcheck/followups/views.py): the list through ``selectors.followups_for`` (a department's
staff see their department's items and their teams' visits; the region-wide readers all), one
follow-up through ``access.get_followup_for_user`` (who does not read it: a 404 that reveals
nothing). Read-only: follow-ups are recorded on the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.accounts.scope import require_department_data_reader
from spotcheck.core.params import ID_PATTERN, parse_id
from spotcheck.followups import access, selectors
from spotcheck.followups.models import FollowUp, ReCheck

# The states of the list (the page's 待处置 lists problem items, not follow-ups: not here).
STATES = ("open", "overdue", "closed", "withdrawn", "all")


class FollowUpApiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item_result = serializers.IntegerField(source="item_result_id")
    visit = serializers.IntegerField(source="item_result.visit_result.visit_id")
    task = serializers.CharField(source="item_result.visit_result.visit.task.code")
    object_public_id = serializers.CharField(source="item_result.visit_result.visit.public_id")
    object_name = serializers.CharField(source="item_result.visit_result.visit.inspection_object.name")
    item = serializers.CharField(source="item_result.item_version.item.code")
    department = serializers.CharField(source="department.code")
    kind = serializers.CharField()
    status = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    case_number = serializers.CharField()
    target_department = serializers.CharField(source="target_department.code", allow_null=True, default=None)
    note = serializers.CharField()
    escalated_from = serializers.IntegerField(source="escalated_from_id", allow_null=True)
    created_at = serializers.DateTimeField()
    closed_on = serializers.DateField(allow_null=True)
    close_note = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()


class ReCheckApiSerializer(serializers.Serializer):
    checked_on = serializers.DateField()
    outcome = serializers.CharField()
    note = serializers.CharField()
    previous_due_on = serializers.DateField(allow_null=True)
    new_due_on = serializers.DateField(allow_null=True)
    officers = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_officers(self, recheck: ReCheck) -> list[str]:
        return [officer.name for officer in recheck.officers.all()]


class FollowUpDetailApiSerializer(FollowUpApiSerializer):
    rechecks = serializers.SerializerMethodField()

    @extend_schema_field(ReCheckApiSerializer(many=True))
    def get_rechecks(self, followup: FollowUp) -> list[dict[str, Any]]:
        rows = followup.rechecks.prefetch_related("officers").order_by("checked_on", "id")
        return ReCheckApiSerializer(rows, many=True).data


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("后续处置列表"),
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=list(STATES), description=gettext_lazy("默认为处置中")),
            OpenApiParameter("department", OpenApiTypes.INT, description=gettext_lazy("只看一个处置部门")),
        ],
    ),
    retrieve=extend_schema(summary=gettext_lazy("后续处置详情（含复查记录）"), responses=FollowUpDetailApiSerializer),
)
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """后续处置 of problem items, as the follow-up pages show them."""

    serializer_class = FollowUpApiSerializer
    queryset = FollowUp.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends: list = []

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        require_department_data_reader(request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        params = self.request.query_params
        state = params.get("state") or "open"
        if state not in STATES:
            raise ValidationError({"state": [_("状态“%(state)s”无效。") % {"state": state}]})
        department_id = None
        if params.get("department"):
            department_id = parse_id(params["department"])
            if department_id is None:
                raise ValidationError({"department": [_("部门编号无效。")]})
        scope = require_department_data_reader(self.request.user)
        rows = selectors.followups_for(scope, self.request.user, state=state, department_id=department_id)
        # Overdue ones come by due date (the selector's order); the others newest first.
        return rows if state == "overdue" else rows.order_by("-created_at", "-id")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        followup = access.get_followup_for_user(request.user, int(kwargs["pk"]))
        return Response(FollowUpDetailApiSerializer(followup).data)
