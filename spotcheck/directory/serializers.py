"""API representation of inspection objects. Code tables travel as their codes; the
serializers only parse, the services validate and decide."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from spotcheck.accounts.models import Department, Region
from spotcheck.directory.models import Industry, InspectionObject, LevelChange, ObjectLicence, Tag
from spotcheck.directory.object_filter import MAX_FINDING_DAYS, MAX_PENALTY_DAYS


class ObjectFilterSchema(serializers.Serializer):
    """对象筛选条件 as a plan stratum, a task's pool filter and a task stratum take it
    (spotcheck.directory.object_filter; only for the schema: the services check the object as
    it comes). Every key is optional; the keys given must all hold."""

    tags = serializers.ListField(child=serializers.CharField(), required=False, help_text=_("分类标注代码"))
    credit_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=InspectionObject.CreditLevel.choices), required=False
    )
    risk_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=InspectionObject.RiskLevel.choices), required=False
    )
    annual_report = serializers.ListField(
        child=serializers.ChoiceField(choices=InspectionObject.AnnualReport.choices), required=False
    )
    abnormal_list = serializers.BooleanField(required=False, help_text=_("列入经营异常名录"))
    serious_violation_list = serializers.BooleanField(required=False, help_text=_("列入严重违法失信名单"))
    penalised_within_days = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PENALTY_DAYS, help_text=_("多少天内受过行政处罚")
    )
    findings_within_days = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_FINDING_DAYS, help_text=_("多少天内检查发现过问题（风险记录）")
    )
    drawn_recently = serializers.BooleanField(
        required=False, help_text=_("true：近期被抽中过；false：近期未被抽中（任何任务、任何事项）")
    )
    drawn_within_days = serializers.IntegerField(required=False, min_value=1, help_text=_("“近期”的天数，默认 365"))
    any_of = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        min_length=2,
        help_text=_("至少两个条件（各自的写法同上，不能再含 any_of），任一成立即可"),
    )


@extend_schema_field(ObjectFilterSchema)
class ObjectFilterField(serializers.JSONField):
    """An object filter, passed as written so that the service refuses an unknown key instead
    of having it dropped on the way."""


class LicenceSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)

    class Meta:
        model = ObjectLicence
        fields = ["id", "kind", "kind_name", "number", "valid_until", "retired_at", "retired_reason"]
        read_only_fields = fields


class ObjectSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(
        label=_("统一社会信用代码"),
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=30,
        help_text=_("企业、个体工商户、农民专业合作社必填；其他类型不填。"),
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), label=_("所属区划"), help_text=_("区划代码")
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Industry.objects.all(),
        required=False,
        allow_null=True,
        label=_("行业"),
        help_text=_("GB/T 4754-2017 门类字母或大类两位代码"),
    )
    owner_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), label=_("录入部门"), help_text=_("部门代码")
    )
    supervising_departments = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), many=True, required=False, label=_("监管部门")
    )
    tags = serializers.SlugRelatedField(
        slug_field="code", queryset=Tag.objects.all(), many=True, required=False, label=_("分类标注")
    )
    licences = LicenceSerializer(many=True, read_only=True)
    is_retired = serializers.BooleanField(read_only=True)
    level_effective_on = serializers.DateField(
        write_only=True, required=False, allow_null=True, label=_("等级生效日期")
    )
    level_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        label=_("等级变更原因"),
        help_text=_("修改风险或信用等级时必填"),
    )
    level_source = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        label=_("等级依据来源"),
        help_text=_("修改风险或信用等级时必填"),
    )

    class Meta:
        model = InspectionObject
        fields = [
            "id",
            "public_code",
            "uscc",
            "kind",
            "name",
            "legal_representative",
            "address",
            "region",
            "region_name",
            "industry",
            "status",
            "established_on",
            "risk_level",
            "credit_level",
            "in_abnormal_list",
            "in_serious_violation_list",
            "annual_report_status",
            "annual_report_year",
            "owner_department",
            "supervising_departments",
            "tags",
            "licences",
            "is_retired",
            "retired_at",
            "retired_reason",
            "created_at",
            "updated_at",
            "level_effective_on",
            "level_reason",
            "level_source",
        ]
        read_only_fields = ["id", "public_code", "retired_at", "retired_reason", "created_at", "updated_at"]


LEVEL_NOTE_FIELDS = ("level_effective_on", "level_reason", "level_source")


class LevelChangeSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)

    class Meta:
        model = LevelChange
        fields = [
            "id",
            "field",
            "old_value",
            "new_value",
            "effective_on",
            "reason",
            "source",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["id", "old_value", "recorded_by", "recorded_at"]


class ObjectReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, label=_("原因"))
