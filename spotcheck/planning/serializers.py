"""API shapes of the annual plans. Serializers only parse and present; the services validate
and write (their errors come back as a 400 naming the field)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from spotcheck.accounts.models import Department, Region
from spotcheck.catalog.models import InspectionItem
from spotcheck.catalog.serializers import ScopeSerializer
from spotcheck.directory.serializers import ObjectFilterField
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanEvent, PlanStratum

# ------------------------------------------------------------------------------------ reading


class PlanStratumSerializer(serializers.ModelSerializer):
    filter = ObjectFilterField(read_only=True)

    class Meta:
        model = PlanStratum
        fields = ["id", "position", "name", "filter", "ratio", "min_count", "max_count", "retired_at"]
        read_only_fields = fields


class PlanItemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="current_version.name", default="", read_only=True)

    class Meta:
        model = InspectionItem
        fields = ["code", "name"]
        read_only_fields = fields


class PlanEntrySerializer(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    items = PlanItemSerializer(many=True, read_only=True)
    lead_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lead_department_name = serializers.CharField(source="lead_department.short_name", read_only=True)
    participating_departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    scope = ScopeSerializer(read_only=True)
    strata = serializers.SerializerMethodField(help_text=_("现行的抽取分层"))

    class Meta:
        model = PlanEntry
        fields = [
            "id",
            "plan",
            "position",
            "code",
            "name",
            "kind",
            "kind_display",
            "items",
            "lead_department",
            "lead_department_name",
            "participating_departments",
            "scope",
            "window_start",
            "window_end",
            "frequency_cap_days",
            "notes",
            "strata",
            "retired_at",
            "retired_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(PlanStratumSerializer(many=True))
    def get_strata(self, entry: PlanEntry):
        strata = getattr(entry, "live_strata", None)
        if strata is None:
            strata = entry.strata.filter(retired_at__isnull=True).order_by("position", "pk")
        return PlanStratumSerializer(strata, many=True).data


class RetiredEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanEntry
        fields = ["id", "position", "code", "name", "retired_at", "retired_reason"]
        read_only_fields = fields


class PlanEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    actor = serializers.CharField(source="actor.display_name", read_only=True)

    class Meta:
        model = PlanEvent
        fields = ["id", "action", "action_display", "actor", "reason", "revision", "created_at"]
        read_only_fields = fields


class PlanListSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department_name = serializers.CharField(source="department.short_name", default=None, read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    filing_deadline = serializers.DateField(read_only=True)
    filing_overdue = serializers.BooleanField(source="is_filing_overdue", read_only=True)

    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "year",
            "kind",
            "kind_display",
            "title",
            "department",
            "department_name",
            "region",
            "region_name",
            "status",
            "status_display",
            "revision",
            "filing_deadline",
            "filing_overdue",
            "filed_late",
            "return_reason",
            "created_at",
            "submitted_at",
            "approved_at",
            "returned_at",
            "filed_at",
            "published_at",
            "retired_at",
            "retired_reason",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanListSerializer):
    """The plan with its live entries and their strata, the retired entries and the history.
    The view passes the selectors' querysets in the context."""

    entries = serializers.SerializerMethodField(help_text=_("现行的计划条目及其分层"))
    retired_entries = serializers.SerializerMethodField(help_text=_("公布后撤销的条目"))
    events = serializers.SerializerMethodField(help_text=_("计划历史（编制、审核、备案、公布、调整）"))

    class Meta(PlanListSerializer.Meta):
        fields = [*PlanListSerializer.Meta.fields, "entries", "retired_entries", "events"]
        read_only_fields = fields

    @extend_schema_field(PlanEntrySerializer(many=True))
    def get_entries(self, plan: AnnualPlan):
        return PlanEntrySerializer(self.context["entries"], many=True).data

    @extend_schema_field(RetiredEntrySerializer(many=True))
    def get_retired_entries(self, plan: AnnualPlan):
        return RetiredEntrySerializer(self.context["retired_entries"], many=True).data

    @extend_schema_field(PlanEventSerializer(many=True))
    def get_events(self, plan: AnnualPlan):
        return PlanEventSerializer(self.context["events"], many=True).data


# ------------------------------------------------------------------------------------ writing


class PlanCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("计划年度"))
    title = serializers.CharField(max_length=200, help_text=_("计划名称"))
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("编制部门代码；不填则为本区划的部门联合抽查计划（联席办协调员编制）"),
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("联合抽查计划的区划代码；不填则为本人所在部门的区划"),
    )


class PlanUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text=_("计划名称"))


class PlanReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("原因"))


class AdjustmentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("调整原因：计划公布后的修改必须填写"),
    )


class PlanEntryInputSerializer(AdjustmentReasonSerializer):
    code = serializers.CharField(max_length=32, trim_whitespace=False, help_text=_("任务编号"))
    name = serializers.CharField(max_length=200, help_text=_("任务名称"))
    kind = serializers.ChoiceField(choices=PlanEntry.Kind.choices, help_text=_("抽查类型"))
    items = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=InspectionItem.objects.filter(current_version__isnull=False, retired_at__isnull=True),
        help_text=_("抽查事项编码（已公布的事项）"),
    )
    lead_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), help_text=_("发起部门代码")
    )
    participating_departments = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Department.objects.all(),
        required=False,
        default=list,
        help_text=_("参与部门代码（联合抽查）"),
    )
    scope = ScopeSerializer(required=False, default=dict)
    window_start = serializers.DateField(help_text=_("开始日期"))
    window_end = serializers.DateField(help_text=_("结束日期"))
    frequency_cap_days = serializers.IntegerField(
        required=False, default=365, help_text=_("同一对象抽查间隔（天）：在此天数内已被抽中的对象不再抽取")
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("备注"))

    @staticmethod
    def current(entry: PlanEntry) -> dict:
        """The entry as input, so that a partial update sends the service the whole entry."""
        return {
            "code": entry.code,
            "name": entry.name,
            "kind": entry.kind,
            "items": list(entry.items.all()),
            "lead_department": entry.lead_department,
            "participating_departments": list(entry.participating_departments.all()),
            "scope": entry.scope,
            "window_start": entry.window_start,
            "window_end": entry.window_end,
            "frequency_cap_days": entry.frequency_cap_days,
            "notes": entry.notes,
        }


class PlanStratumInputSerializer(AdjustmentReasonSerializer):
    name = serializers.CharField(max_length=100, trim_whitespace=False, help_text=_("分层名称"))
    ratio = serializers.CharField(max_length=12, help_text=_("抽取比例：0 到 1 之间的小数，如 0.05 表示 5%"))
    filter = ObjectFilterField(required=False, default=dict, help_text=_("分层条件；不填则为范围内全部对象"))
    min_count = serializers.IntegerField(required=False, allow_null=True, default=None, help_text=_("最少抽取数"))
    max_count = serializers.IntegerField(required=False, allow_null=True, default=None, help_text=_("最多抽取数"))

    @staticmethod
    def current(stratum: PlanStratum) -> dict:
        return {
            "name": stratum.name,
            "ratio": stratum.ratio,
            "filter": stratum.filter,
            "min_count": stratum.min_count,
            "max_count": stratum.max_count,
        }
