"""REST API of the visits (issue 13, item 13), with the visit page's rules
(spotcheck/inspections/views_visits.py): the list is 我的检查 (the visits of the teams the user
is on) or, with ``?task=``, a task's visits for those who read them; one visit through
``access.get_visit_for_user`` (anyone else: a 404 that reveals nothing). Read-only; the team's
phone numbers are not in it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.accounts.scope import require_staff, scope_for
from spotcheck.core.params import ID_PATTERN, parse_id
from spotcheck.draws.access import get_task_for_user
from spotcheck.draws.models import Visit
from spotcheck.inspections import access, selectors


class VisitTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    lead_department = serializers.CharField(source="lead_department.code")
    window_start = serializers.DateField()
    window_end = serializers.DateField()


class VisitTeamMemberSerializer(serializers.Serializer):
    slot = serializers.CharField()
    is_lead = serializers.BooleanField()
    name = serializers.CharField(source="inspector.name")
    department = serializers.CharField(source="inspector.department.code")
    certificate_number = serializers.CharField(source="inspector.certificate_number")
    certificate_expires_on = serializers.DateField(source="inspector.certificate_expires_on", allow_null=True)


class VisitObjectSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()


class VisitCheckInSerializer(serializers.Serializer):
    checked_in_at = serializers.DateTimeField()
    inspector = serializers.CharField()


class VisitApiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rank = serializers.IntegerField()
    object = serializers.SerializerMethodField()
    task = VisitTaskSerializer()
    team = VisitTeamMemberSerializer(many=True, source="members.all")
    approval_state = serializers.SerializerMethodField()
    check_in = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    @extend_schema_field(VisitObjectSerializer)
    def get_object(self, visit: Visit) -> dict[str, Any]:
        obj = visit.inspection_object
        return {"public_id": visit.public_id, "name": obj.name, "address": obj.address}

    @extend_schema_field(serializers.ChoiceField(choices=["approved", "emergency", "waiting"]))
    def get_approval_state(self, visit: Visit) -> str:
        return self.context["approvals"][visit.pk].state

    @extend_schema_field(VisitCheckInSerializer(allow_null=True))
    def get_check_in(self, visit: Visit) -> dict[str, Any] | None:
        check_in = getattr(visit, "check_in", None)
        if check_in is None:
            return None
        return VisitCheckInSerializer(
            {"checked_in_at": check_in.checked_in_at, "inspector": check_in.inspector.name}
        ).data

    @extend_schema_field(serializers.ChoiceField(choices=[c for c, _label in selectors.MyVisitState.choices()]))
    def get_state(self, visit: Visit) -> str:
        return selectors.my_visit_state(visit, self.context["today"])


STATE_PARAMETER = OpenApiParameter(
    "state",
    OpenApiTypes.STR,
    description=gettext_lazy("我的检查的状态：waiting、pending、checked_in、to_confirm、done、expired"),
)
TASK_PARAMETER = OpenApiParameter(
    "task", OpenApiTypes.INT, description=gettext_lazy("只看该任务的全部检查（须能查看该任务的全部检查）")
)


def _context(visits: list[Visit]) -> dict[str, Any]:
    return {"approvals": selectors.approval_states(visits), "today": timezone.localdate()}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("我的检查，或一个任务的全部检查"), parameters=[STATE_PARAMETER, TASK_PARAMETER]
    ),
    retrieve=extend_schema(summary=gettext_lazy("检查详情：对象、任务、检查组、审批、到场与状态")),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """检查 as the inspector's pages show them (我的检查 and the visit page)."""

    serializer_class = VisitApiSerializer
    queryset = Visit.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends: list = []

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        require_staff(request.user)

    def _state(self) -> str | None:
        state = self.request.query_params.get("state") or None
        if state is not None and state not in dict(selectors.MyVisitState.choices()):
            raise ValidationError({"state": [_("状态“%(state)s”无效。") % {"state": state}]})
        return state

    def get_queryset(self) -> QuerySet[Visit]:
        if getattr(self, "swagger_fake_view", False):
            return Visit.objects.none()
        state = self._state()
        raw_task = self.request.query_params.get("task")
        if raw_task is None:
            visits = selectors.my_visits(require_staff(self.request.user), state=state)
        else:
            task_id = parse_id(raw_task)
            if task_id is None:
                raise ValidationError({"task": [_("任务编号无效。")]})
            task = get_task_for_user(self.request.user, task_id)
            if not access.reads_task_visits(scope_for(self.request.user), task):
                raise Http404(_("没有找到该任务的检查。"))
            visits = selectors.task_visits_with_state(task, state=state)
        return visits.select_related("check_in__inspector")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(VisitApiSerializer(page, many=True, context=_context(page)).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        visit = access.get_visit_for_user(request.user, int(kwargs["pk"]))
        visit = selectors.task_visits_with_state(visit.task).select_related("check_in__inspector").get(pk=visit.pk)
        return Response(VisitApiSerializer(visit, context=_context([visit])).data)
