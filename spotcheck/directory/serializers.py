"""API representation of inspection objects. Code tables travel as their codes; the
serializers only parse, the services validate and decide."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from spotcheck.accounts.models import Department, Region
from spotcheck.directory.models import Industry, InspectionObject, LevelChange, ObjectLicence, Tag


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
