"""API shapes of inspection tasks and their draw ceremony. Serializers only parse and present;
the services validate and write. What a reader sees of the ceremony follows the staff pages:
the digests from the freezing on, the commitment from the announcement on, the server secret
and the seed only once drawn."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from spotcheck.accounts.models import Department
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.catalog.serializers import ScopeSerializer
from spotcheck.directory.serializers import ObjectFilterField
from spotcheck.draws.models import CeremonyJob, PoolExclusionGroup, Task, TaskStratum, Visit, VisitMember, WitnessInput
from spotcheck.drawspec import engine

# ------------------------------------------------------------------------------------ reading


class SlotSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, trim_whitespace=False, help_text=gettext_lazy("岗位名称"))
    dept = serializers.CharField(max_length=16, help_text=gettext_lazy("部门代码"))
    quals = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list, help_text=gettext_lazy("资格代码")
    )


class TaskItemSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = ItemVersion
        fields = ["code", "number", "name"]
        read_only_fields = fields


class TaskStratumSerializer(serializers.ModelSerializer):
    filter = ObjectFilterField(read_only=True)
    sample_size = serializers.SerializerMethodField(help_text=gettext_lazy("抽取数（冻结后按对象数计算）"))

    class Meta:
        model = TaskStratum
        fields = ["position", "name", "filter", "ratio", "minimum", "maximum", "count", "digest", "sample_size"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_sample_size(self, stratum: TaskStratum) -> int | None:
        return self.context.get("sizes", {}).get(stratum.name)


class PoolSummarySerializer(serializers.Serializer):
    member_count = serializers.IntegerField(help_text=gettext_lazy("对象库中的对象总数"))
    roster_count = serializers.IntegerField(help_text=gettext_lazy("检查人员名单人数"))
    exclusion_count = serializers.IntegerField(help_text=gettext_lazy("回避条目数"))
    frozen_on = serializers.DateField()


class MatchCheckSlotSerializer(serializers.Serializer):
    slot = serializers.CharField()
    inspectors = serializers.IntegerField(help_text=gettext_lazy("符合条件的检查人员数"))
    shared = serializers.IntegerField(help_text=gettext_lazy("共用这些人员的岗位数"))
    before = serializers.IntegerField(help_text=gettext_lazy("本组中在此之前共用这些人员的岗位数"))
    excluded = serializers.IntegerField(help_text=gettext_lazy("单个对象最多回避的人数"))
    needed_cap = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("所需任务上限；无法满足时为空"))
    ok = serializers.BooleanField()


class MatchCheckSerializer(serializers.Serializer):
    feasible = serializers.BooleanField(help_text=gettext_lazy("无论随机种子如何都能配齐检查组；否则不能发布任务公告"))
    targets = serializers.IntegerField(help_text=gettext_lazy("将抽取的对象数"))
    cap = serializers.IntegerField(help_text=gettext_lazy("每名检查人员的任务上限"))
    suggested_cap = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("使其可行的最小任务上限"))
    slots = MatchCheckSlotSerializer(many=True)


class DrawSummarySerializer(serializers.Serializer):
    input_digest = serializers.CharField()
    pool_digest = serializers.CharField()
    commitment = serializers.CharField(allow_null=True, help_text=gettext_lazy("服务器承诺值（发布任务公告后）"))
    server_secret = serializers.CharField(allow_null=True, help_text=gettext_lazy("服务器密钥（抽取时揭晓）"))
    seed = serializers.CharField(allow_null=True, help_text=gettext_lazy("随机种子（抽取后）"))
    drawn_at = serializers.DateTimeField(allow_null=True)
    drawn_by = serializers.CharField(allow_null=True)
    match_check = MatchCheckSerializer(
        allow_null=True, help_text=gettext_lazy("冻结时的检查组配齐检查（冻结早于该检查的任务为空）")
    )


class WitnessSerializer(serializers.ModelSerializer):
    witness_user = serializers.CharField(source="witness_user.username", default=None, read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department_name = serializers.CharField(source="department.short_name", read_only=True)
    entered_by = serializers.CharField(source="entered_by.display_name", read_only=True)

    class Meta:
        model = WitnessInput
        fields = [
            "position",
            "value",
            "witness_name",
            "witness_user",
            "department",
            "department_name",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = fields


class MatchFailureSerializer(serializers.Serializer):
    target = serializers.CharField(allow_null=True, help_text=gettext_lazy("无法匹配的检查对象"))
    slot = serializers.CharField(allow_null=True, help_text=gettext_lazy("无法匹配的岗位"))
    suggested_cap = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("可行的任务上限"))


class TaskBaseSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    lead_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lead_department_name = serializers.CharField(source="lead_department.short_name", read_only=True)
    participating_departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    plan_entry = serializers.PrimaryKeyRelatedField(read_only=True)
    replaces = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=gettext_lazy("重新抽取所替代的已取消任务的编号")
    )
    redraw_status_display = serializers.CharField(source="get_redraw_status_display", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "lead_department",
            "lead_department_name",
            "participating_departments",
            "plan_entry",
            "window_start",
            "window_end",
            "list_publication",
            "created_at",
            "frozen_at",
            "announced_at",
            "list_published_at",
            "match_failed_at",
            "cancelled_at",
            "cancelled_reason",
            "replaces",
            "redraw_reason",
            "redraw_status",
            "redraw_status_display",
            "redraw_decided_at",
            "redraw_decision_reason",
        ]
        read_only_fields = fields


class TaskListSerializer(TaskBaseSerializer):
    pool_count = serializers.IntegerField(read_only=True, allow_null=True, help_text=gettext_lazy("对象库对象数"))
    target_count = serializers.IntegerField(read_only=True, help_text=gettext_lazy("抽中对象数"))

    class Meta(TaskBaseSerializer.Meta):
        fields = [*TaskBaseSerializer.Meta.fields, "pool_count", "target_count"]
        read_only_fields = fields


class CeremonyJobSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.display_name", read_only=True)

    class Meta:
        model = CeremonyJob
        fields = [
            "step",
            "status",
            "objects_estimate",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "message",
        ]
        read_only_fields = fields


class TaskDetailSerializer(TaskBaseSerializer):
    """The task as the detail page shows it. The view puts the draw (without its result), the
    frozen pool (without its member blobs) and the reader's rights in the context."""

    items = serializers.SerializerMethodField(help_text=gettext_lazy("抽查事项（任务创建时的公布版本）"))
    scope = ScopeSerializer(read_only=True)
    pool_filter = ObjectFilterField(read_only=True)
    slots = SlotSerializer(many=True, read_only=True)
    strata = serializers.SerializerMethodField()
    pool = serializers.SerializerMethodField(help_text=gettext_lazy("冻结的对象库（冻结后）"))
    draw = serializers.SerializerMethodField(help_text=gettext_lazy("任务公告与抽取（冻结后）"))
    witnesses = serializers.SerializerMethodField(help_text=gettext_lazy("见证人输入，按录入顺序"))
    match_failure = serializers.SerializerMethodField()
    ceremony_job = serializers.SerializerMethodField(
        help_text=gettext_lazy("后台处理（大对象库的冻结或抽取）：排队中或进行中的，或最近一次未完成的")
    )
    can_operate = serializers.SerializerMethodField(help_text=gettext_lazy("本人能否操作摇号（发起部门）"))
    full_record = serializers.SerializerMethodField(help_text=gettext_lazy("本人下载的抽取记录是否含回避名单"))

    class Meta(TaskBaseSerializer.Meta):
        fields = [
            *TaskBaseSerializer.Meta.fields,
            "items",
            "scope",
            "frequency_cap_days",
            "pool_filter",
            "cross_office",
            "exclude_last_inspector",
            "max_visits_per_inspector",
            "slots",
            "lead_slot",
            "strata",
            "pool",
            "draw",
            "witnesses",
            "match_failure",
            "ceremony_job",
            "can_operate",
            "full_record",
        ]
        read_only_fields = fields

    @extend_schema_field(TaskItemSerializer(many=True))
    def get_items(self, task: Task):
        return TaskItemSerializer(task.items.select_related("item").order_by("item__code"), many=True).data

    @extend_schema_field(TaskStratumSerializer(many=True))
    def get_strata(self, task: Task):
        draw = self.context.get("draw")
        sizes = {}
        if draw is not None:
            sizes = {
                s["name"]: engine.sample_size(s["count"], s["ratio"], s["min"], s["max"]) for s in draw.input["strata"]
            }
        return TaskStratumSerializer(task.strata.order_by("position"), many=True, context={"sizes": sizes}).data

    @extend_schema_field(PoolSummarySerializer(allow_null=True))
    def get_pool(self, task: Task):
        frozen = self.context.get("frozen")
        if frozen is None:
            return None
        summary = {
            "member_count": frozen.member_count,
            "roster_count": len(frozen.roster),
            "exclusion_count": frozen.exclusion_count,
            "frozen_on": frozen.frozen_on,
        }
        return PoolSummarySerializer(summary).data

    @extend_schema_field(DrawSummarySerializer(allow_null=True))
    def get_draw(self, task: Task):
        draw = self.context.get("draw")
        if draw is None:
            return None
        drawn = draw.is_drawn
        summary = {
            "input_digest": draw.input_digest,
            "pool_digest": draw.pool_digest,
            "commitment": draw.commitment or None,
            # The secret stays hidden until the seed is revealed.
            "server_secret": draw.server_secret if drawn else None,
            "seed": draw.seed if drawn else None,
            "drawn_at": draw.drawn_at,
            "drawn_by": draw.drawn_by.display_name if draw.drawn_by_id else None,
            "match_check": draw.match_check,
        }
        return DrawSummarySerializer(summary).data

    @extend_schema_field(WitnessSerializer(many=True))
    def get_witnesses(self, task: Task):
        return WitnessSerializer(self.context["witnesses"], many=True).data

    @extend_schema_field(MatchFailureSerializer(allow_null=True))
    def get_match_failure(self, task: Task):
        failure = self.context.get("match_failure")
        if failure is None:
            return None
        return MatchFailureSerializer(
            {
                "target": failure.get("target"),
                "slot": failure.get("slot"),
                "suggested_cap": failure.get("suggested_cap"),
            }
        ).data

    @extend_schema_field(CeremonyJobSerializer(allow_null=True))
    def get_ceremony_job(self, task: Task):
        job = self.context.get("ceremony_job")
        return None if job is None else CeremonyJobSerializer(job).data

    @extend_schema_field(serializers.BooleanField())
    def get_can_operate(self, task: Task) -> bool:
        return bool(self.context.get("operator"))

    @extend_schema_field(serializers.BooleanField())
    def get_full_record(self, task: Task) -> bool:
        return bool(self.context.get("full_record"))


class ExcludedObjectSerializer(serializers.Serializer):
    """An object left out of a pool (``exclusions.ExcludedObject``)."""

    object_id = serializers.IntegerField(source="inspection_object_id", read_only=True)
    object_name = serializers.CharField(source="inspection_object.name", read_only=True)
    public_code = serializers.CharField(source="inspection_object.public_code", read_only=True)
    reason = serializers.ChoiceField(choices=PoolExclusionGroup.Reason.choices, read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    detail = serializers.CharField(read_only=True)


class ExclusionCountSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PoolExclusionGroup.Reason.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class PoolStratumSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    digest = serializers.CharField()
    sample_size = serializers.IntegerField()


class PoolExplanationSerializer(serializers.Serializer):
    """对象库说明: per stratum counts, the exclusions per reason, and one page of the excluded
    objects with their reasons (``?reason=`` picks one reason, ``?page=`` the page)."""

    member_count = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("对象库对象总数；冻结前为空"))
    strata = PoolStratumSerializer(many=True)
    exclusion_counts = ExclusionCountSerializer(many=True)
    count = serializers.IntegerField(help_text=gettext_lazy("符合条件的排除记录数"))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ExcludedObjectSerializer(many=True)


class TeamMemberSerializer(serializers.ModelSerializer):
    inspector = serializers.CharField(source="inspector.code", read_only=True, help_text=gettext_lazy("人员编码"))
    inspector_name = serializers.CharField(source="inspector.name", read_only=True)

    class Meta:
        model = VisitMember
        fields = ["position", "slot", "inspector", "inspector_name", "is_lead"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    stratum = serializers.CharField(source="stratum.name", read_only=True)
    object_id = serializers.IntegerField(source="inspection_object_id", read_only=True)
    object_name = serializers.CharField(source="inspection_object.name", read_only=True)
    team = TeamMemberSerializer(source="members", many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "stratum", "rank", "public_id", "object_id", "object_name", "team"]
        read_only_fields = fields


class PublicVisitSerializer(VisitSerializer):
    """A target as the public sees it (a witness reading the task it witnesses): no team."""

    class Meta(VisitSerializer.Meta):
        fields = ["id", "stratum", "rank", "public_id", "object_id", "object_name"]
        read_only_fields = fields


class VisitPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = VisitSerializer(many=True)


# ------------------------------------------------------------------------------------ writing


class StratumInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, trim_whitespace=False, help_text=gettext_lazy("分层名称"))
    filter = ObjectFilterField(required=False, default=dict, help_text=gettext_lazy("分层条件"))
    ratio = serializers.CharField(max_length=10, help_text=gettext_lazy("抽取比例：0 到 1 之间的小数，如 0.05"))
    minimum = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    maximum = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)


def _check_window(data: dict[str, Any]) -> None:
    start, end = data.get("window_start"), data.get("window_end")
    if start and end and end < start:
        raise serializers.ValidationError({"window_end": [_("截止日期不能早于开始日期。")]})


class TeamInputSerializer(serializers.Serializer):
    slots = SlotSerializer(many=True, help_text=gettext_lazy("检查组岗位，每个岗位一名检查人员"))
    lead_slot = serializers.CharField(max_length=50, trim_whitespace=False, help_text=gettext_lazy("组长岗位名称"))
    max_visits_per_inspector = serializers.IntegerField(min_value=1, help_text=gettext_lazy("每名检查人员的任务上限"))
    list_publication = serializers.ChoiceField(
        choices=Task.ListPublication.choices, default=Task.ListPublication.WITH_NOTICE
    )
    cross_office = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("所所交叉"))
    exclude_last_inspector = serializers.BooleanField(
        required=False, default=True, help_text=gettext_lazy("排除上次检查人员")
    )


class RedrawInputSerializer(serializers.Serializer):
    """A redraw (a task drawing again what a drawn and cancelled task drew) names that task and
    says why; the service decides whether the task is a redraw."""

    replaces = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("重新抽取时：被替代的已取消任务的编号"),
    )
    redraw_reason = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text=gettext_lazy("重新抽取原因")
    )


class TaskCreateSerializer(RedrawInputSerializer, TeamInputSerializer):
    lead_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), help_text=gettext_lazy("发起部门代码")
    )
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Task.Kind.choices, default=Task.Kind.ROUTINE)
    participating_departments = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Department.objects.all(),
        required=False,
        default=list,
        help_text=gettext_lazy("其他参与部门代码（联合抽查）"),
    )
    items = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=InspectionItem.objects.filter(current_version__isnull=False, retired_at__isnull=True).select_related(
            "current_version"
        ),
        help_text=gettext_lazy("抽查事项编码：任务使用其现行公布版本"),
    )
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    strata = StratumInputSerializer(many=True)
    scope = ScopeSerializer(required=False, default=dict)
    frequency_cap_days = serializers.IntegerField(min_value=0, required=False, default=365)
    pool_filter = ObjectFilterField(required=False, default=dict, help_text=gettext_lazy("对象库筛选条件"))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        _check_window(data)
        return data


class TaskFromEntrySerializer(RedrawInputSerializer, TeamInputSerializer):
    entry = serializers.IntegerField(help_text=gettext_lazy("已公布的年度计划中的条目编号"))
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=gettext_lazy("留空则使用条目名称")
    )
    window_start = serializers.DateField(required=False, allow_null=True, default=None)
    window_end = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        _check_window(data)
        return data


class WitnessInputSerializer(serializers.Serializer):
    """A witness sends only ``value``; the operator names the witness: a user with the witness
    role (``witness_user``), or a name and a department."""

    value = serializers.CharField(
        max_length=64, trim_whitespace=False, help_text=gettext_lazy("见证人输入，例如掷骰子的结果")
    )
    witness_user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("见证人账号（由操作人代为录入时）"),
    )
    witness_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", help_text=gettext_lazy("见证人姓名")
    )
    witness_department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("见证人所在部门代码"),
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["witness_user"] is not None and (data["witness_name"] or data["witness_department"] is not None):
            raise serializers.ValidationError({"witness_user": [_("见证人账号与见证人姓名只能填写一项。")]})
        if data["witness_name"] and data["witness_department"] is None:
            raise serializers.ValidationError({"witness_department": [_("请选择见证人所在部门。")]})
        if data["witness_department"] is not None and not data["witness_name"]:
            raise serializers.ValidationError({"witness_name": [_("请填写见证人姓名。")]})
        return data


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, help_text=gettext_lazy("作废原因"))


class RedrawRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, help_text=gettext_lazy("不同意重新抽取的原因"))
