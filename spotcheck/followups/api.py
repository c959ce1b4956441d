"""REST API of 后续处置 (issue 13, item 13), with the follow-up pages' rules
(spotcheck/followups/views.py): the list through ``selectors.followups_for`` (a department's
staff see their department's items and their teams' visits; the region-wide readers all), one
follow-up through ``access.get_followup_for_user`` (who does not read it: a 404 that reveals
nothing).

The writes are the pages' actions, each through its service (which checks who may, validates
and audits): open a follow-up on a problem item (``item-results/<id>/followups/``), 完结,
withdraw, record a 复查; mark a 抄告 已阅/已处理 (``notices/``). Who may: the visit's team and
the admins of the item's department (a department's read-write token is such an admin); the
marks are the target department's admins'. Bodies carry what the forms carry; dates as text,
which the services check and name ("YYYY-MM-DD"); departments by their code, officers by the
inspector's id."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import require_department_data_reader
from spotcheck.core.params import ID_PATTERN, parse_id
from spotcheck.followups import access, selectors, services
from spotcheck.followups.models import FollowUp, ReCheck
from spotcheck.inspectors.models import Inspector
from spotcheck.results.models import ItemResult

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
    escalated_to = serializers.SerializerMethodField(help_text=gettext_lazy("复查未改正时转为的后续处置编号"))

    def get_escalated_to(self, followup: FollowUp) -> int | None:
        return FollowUp.objects.filter(escalated_from=followup).values_list("pk", flat=True).first()

    @extend_schema_field(ReCheckApiSerializer(many=True))
    def get_rechecks(self, followup: FollowUp) -> list[dict[str, Any]]:
        rows = followup.rechecks.prefetch_related("officers").order_by("checked_on", "id")
        return ReCheckApiSerializer(rows, many=True).data


# ------------------------------------------------------------------------------- the writes


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _department(code: str, field: str = "target_department") -> Department | None:
    """The department of ``code`` (any: the service says why an inactive one or the item's own
    is refused); an unknown code is the field's 400."""
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ValidationError({field: [_("没有代码为“%(code)s”的部门。") % {"code": code}]})
    return department


def _officers(followup: FollowUp, ids: list[int]) -> list[Inspector]:
    """The named officers among the department's active roster (the re-check form's choices);
    an id outside it is the field's 400, naming the ids and nobody's name."""
    found = {
        o.pk: o
        for o in Inspector.objects.filter(department_id=followup.department_id, retired_at__isnull=True, pk__in=ids)
    }
    if missing := [pk for pk in dict.fromkeys(ids) if pk not in found]:
        raise ValidationError(
            {
                "officers": [
                    _("编号为 %(ids)s 的人员不是%(department)s在册的执法检查人员。")
                    % {"ids": "、".join(map(str, missing)), "department": followup.department.short_name}
                ]
            }
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


MAX_ID = 2**63 - 1
# A re-check names a few officers; a longer list is refused before any query.
MAX_OFFICERS = 20


def _text(max_length: int, help_text: Any = None, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("default", "")
    return serializers.CharField(max_length=max_length, help_text=help_text, **kwargs)


def _date_text(help_text: Any) -> serializers.CharField:
    # Text, as the forms send it: the service checks the date and names the field.
    return _text(32, help_text)


class FollowUpOpenSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FollowUp.Kind.choices)
    due_on = _date_text(gettext_lazy("整改期限 YYYY-MM-DD（责令改正必填，不早于今天）"))
    case_number = _text(64, gettext_lazy("案件编号（移送办案机构必填）"))
    target_department = _text(16, gettext_lazy("被抄告部门的代码（抄告相关部门必填，不能是本部门）"))
    note = _text(2000, gettext_lazy("处置说明（其他、无需后续处置必填）"))


class FollowUpCloseSerializer(serializers.Serializer):
    closed_on = _date_text(gettext_lazy("完结日期 YYYY-MM-DD（不早于登记日期，不晚于今天）"))
    note = _text(2000, gettext_lazy("完结说明"))


class FollowUpWithdrawSerializer(serializers.Serializer):
    reason = _text(255, gettext_lazy("撤回原因"))


class ReCheckRecordSerializer(serializers.Serializer):
    checked_on = _date_text(gettext_lazy("复查日期 YYYY-MM-DD"))
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=MAX_OFFICERS,
        help_text=gettext_lazy("复查人员：处置部门在册执法检查人员的编号"),
    )
    outcome = serializers.ChoiceField(choices=ReCheck.Outcome.choices)
    note = _text(2000, gettext_lazy("复查情况"))
    new_due_on = _date_text(gettext_lazy("新整改期限 YYYY-MM-DD（未改正且继续责令改正时）"))
    escalate_kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in services.ESCALATION_KINDS],
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("未改正时转为的处置方式；空为继续责令改正"),
    )
    case_number = _text(64, gettext_lazy("案件编号（转为移送办案机构时）"))
    target_department = _text(16, gettext_lazy("被抄告部门的代码（转为抄告相关部门时）"))


class NoticeHandledSerializer(serializers.Serializer):
    note = _text(255, gettext_lazy("处理情况"))


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

    def _detail(self, followup: FollowUp, code: int = status.HTTP_200_OK) -> Response:
        fresh = access.get_followup_for_user(self.request.user, followup.pk)
        return Response(FollowUpDetailApiSerializer(fresh).data, status=code)

    @extend_schema(
        summary=gettext_lazy("完结后续处置（责令改正经复查完结）"),
        request=FollowUpCloseSerializer,
        responses={200: FollowUpDetailApiSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        followup = access.get_followup_for_user(request.user, int(pk), write=True)
        data = _valid(FollowUpCloseSerializer, request)
        services.followup_close(actor=request.user, followup=followup, closed_on=data["closed_on"], note=data["note"])
        return self._detail(followup)

    @extend_schema(
        summary=gettext_lazy("撤回后续处置（须说明原因）"),
        request=FollowUpWithdrawSerializer,
        responses={200: FollowUpDetailApiSerializer},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        followup = access.get_followup_for_user(request.user, int(pk), write=True)
        data = _valid(FollowUpWithdrawSerializer, request)
        services.followup_withdraw(actor=request.user, followup=followup, reason=data["reason"])
        return self._detail(followup)

    @extend_schema(
        summary=gettext_lazy("登记复查结果（责令改正）"),
        description=gettext_lazy(
            "已改正：责令改正完结。未改正：给出新的整改期限，或转为其他处置方式（移送办案机构须填案件编号，"
            "抄告相关部门须填部门代码），原责令改正完结，新的后续处置见 escalated_to。"
        ),
        request=ReCheckRecordSerializer,
        responses={201: FollowUpDetailApiSerializer},
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: str) -> Response:
        followup = access.get_followup_for_user(request.user, int(pk), write=True)
        data = _valid(ReCheckRecordSerializer, request)
        services.recheck_record(
            actor=request.user,
            followup=followup,
            checked_on=data["checked_on"],
            officers=_officers(followup, data["officers"]),
            outcome=data["outcome"],
            note=data["note"],
            new_due_on=data["new_due_on"],
            escalate_kind=data["escalate_kind"],
            case_number=data["case_number"],
            target_department=_department(data["target_department"]),
        )
        return self._detail(followup, status.HTTP_201_CREATED)


class ItemResultApiSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.IntegerField(source="visit_result.visit_id")
    task = serializers.CharField(source="visit_result.visit.task.code")
    object_public_id = serializers.CharField(source="visit_result.visit.public_id")
    object_name = serializers.CharField(source="visit_result.visit.inspection_object.name")
    item = serializers.CharField(source="item_version.item.code")
    item_version = serializers.IntegerField(source="item_version_id")
    department = serializers.CharField(source="department.code")
    codes = serializers.ListField(child=serializers.CharField())
    problem_found = serializers.BooleanField()
    note = serializers.CharField()
    checked_on = serializers.DateField(allow_null=True)
    result_status = serializers.CharField(source="visit_result.status")


class ItemResultDetailApiSerializer(ItemResultApiSerializer):
    followups = serializers.SerializerMethodField()

    @extend_schema_field(FollowUpDetailApiSerializer(many=True))
    def get_followups(self, item: ItemResult) -> list[dict[str, Any]]:
        return FollowUpDetailApiSerializer(selectors.item_followups(item), many=True).data


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("待处置：已确认结果中发现问题、尚无后续处置的事项"),
        parameters=[
            OpenApiParameter("visit", OpenApiTypes.INT, description=gettext_lazy("只看一次检查")),
            OpenApiParameter("department", OpenApiTypes.INT, description=gettext_lazy("只看一个事项所属部门")),
        ],
    ),
    retrieve=extend_schema(summary=gettext_lazy("事项检查结果及其后续处置"), responses=ItemResultDetailApiSerializer),
)
class ItemResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A problem item of a result, where follow-ups are opened (the page ``/followups/items/<id>/``)."""

    serializer_class = ItemResultApiSerializer
    queryset = ItemResult.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ItemResult.objects.none()
        params = self.request.query_params
        ids: dict[str, int | None] = {}
        for name in ("visit", "department"):
            if params.get(name):
                ids[name] = parse_id(params[name])
                if ids[name] is None:
                    raise ValidationError({name: [_("编号无效。")]})
        scope = require_department_data_reader(self.request.user)
        rows = selectors.pending_items(scope, self.request.user, department_id=ids.get("department"))
        if ids.get("visit") is not None:
            rows = rows.filter(visit_result__visit_id=ids["visit"])
        return rows

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        item = access.get_item_result_for_user(request.user, int(kwargs["pk"]))
        return Response(ItemResultDetailApiSerializer(item).data)

    @extend_schema(
        summary=gettext_lazy("登记后续处置（检查组成员或事项所属部门的部门管理员）"),
        description=gettext_lazy(
            "处置方式：无需后续处置（须说明理由，即时完结）、反馈日常监管、责令改正（整改期限）、"
            "移送办案机构（案件编号）、抄告相关部门（被抄告部门代码）、其他（处置说明）。"
        ),
        request=FollowUpOpenSerializer,
        responses={201: FollowUpDetailApiSerializer},
    )
    @action(detail=True, methods=["post"])
    def followups(self, request: Request, pk: str) -> Response:
        item = access.get_item_result_for_user(request.user, int(pk), write=True)
        data = _valid(FollowUpOpenSerializer, request)
        followup = services.followup_open(
            actor=request.user,
            item_result=item,
            kind=data["kind"],
            due_on=data["due_on"],
            case_number=data["case_number"],
            target_department=_department(data["target_department"]),
            note=data["note"],
        )
        fresh = access.get_followup_for_user(request.user, followup.pk)
        return Response(FollowUpDetailApiSerializer(fresh).data, status=status.HTTP_201_CREATED)


class NoticeApiSerializer(FollowUpApiSerializer):
    item_codes = serializers.ListField(child=serializers.CharField(), source="item_result.codes")
    item_note = serializers.CharField(source="item_result.note")
    notice_read_at = serializers.DateTimeField(allow_null=True)
    notice_read_by = serializers.CharField(source="notice_read_by.full_name", allow_null=True, default=None)
    notice_handled_at = serializers.DateTimeField(allow_null=True)
    notice_handled_by = serializers.CharField(source="notice_handled_by.full_name", allow_null=True, default=None)
    notice_handled_note = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("抄告收件箱：其他部门抄告本部门的检查结果"),
        parameters=[OpenApiParameter("department", OpenApiTypes.INT, description=gettext_lazy("只看一个被抄告部门"))],
    ),
)
class NoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """抄告 in the target departments' inboxes (the page ``/followups/inbox/``), and their marks."""

    serializer_class = NoticeApiSerializer
    queryset = FollowUp.objects.none()
    lookup_value_regex = ID_PATTERN
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        department_id = None
        if raw := self.request.query_params.get("department"):
            department_id = parse_id(raw)
            if department_id is None:
                raise ValidationError({"department": [_("部门编号无效。")]})
        scope = require_department_data_reader(self.request.user)
        return selectors.inbox_for(scope, department_id=department_id)

    def _notice(self, followup: FollowUp) -> Response:
        fresh = selectors.inbox_for(require_department_data_reader(self.request.user)).get(pk=followup.pk)
        return Response(NoticeApiSerializer(fresh).data)

    @extend_schema(
        summary=gettext_lazy("标记抄告已阅（被抄告部门的部门管理员）"), request=None, responses=NoticeApiSerializer
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        followup = access.get_notice_for_user(request.user, int(pk), write=True)
        services.notice_mark_read(actor=request.user, followup=followup)
        return self._notice(followup)

    @extend_schema(
        summary=gettext_lazy("标记抄告已处理（被抄告部门的部门管理员；含已阅）"),
        request=NoticeHandledSerializer,
        responses=NoticeApiSerializer,
    )
    @action(detail=True, methods=["post"])
    def handled(self, request: Request, pk: str) -> Response:
        followup = access.get_notice_for_user(request.user, int(pk), write=True)
        data = _valid(NoticeHandledSerializer, request)
        services.notice_mark_handled(actor=request.user, followup=followup, note=data["note"])
        return self._notice(followup)
