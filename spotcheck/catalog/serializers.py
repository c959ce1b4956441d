"""API shapes of the item list. Serializers only parse and present; the services write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import scope_for
from spotcheck.catalog.models import ChecklistQuestion, FilingEvent, InspectionItem, ItemVersion
from spotcheck.catalog.selectors import item_detail_versions, version_with_content
from spotcheck.directory.models import InspectionObject
from spotcheck.inspectors.models import Qualification


class ScopeSerializer(serializers.Serializer):
    """抽查对象范围: codes per key; a missing or empty list does not restrict."""

    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=InspectionObject.Kind.choices), required=False, help_text=_("对象类型")
    )
    industries = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("行业代码（门类字母含其下全部大类）")
    )
    licences = serializers.ListField(child=serializers.CharField(), required=False, help_text=_("许可类别代码"))
    tags = serializers.ListField(child=serializers.CharField(), required=False, help_text=_("分类标注代码"))
    regions = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("区划代码（县含其下全部乡镇）")
    )


class ChecklistQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistQuestion
        fields = ["position", "text", "basis"]
        read_only_fields = ["position"]


class FilingEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default="", read_only=True)

    class Meta:
        model = FilingEvent
        fields = ["action", "actor", "note", "created_at"]


class VersionBriefSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ItemVersion
        fields = [
            "id",
            "number",
            "status",
            "status_display",
            "name",
            "category",
            "default_ratio",
            "methods",
            "change_note",
            "created_at",
            "submitted_at",
            "reviewed_at",
            "review_note",
            "published_at",
        ]


class VersionSerializer(VersionBriefSerializer):
    scope = ScopeSerializer(read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, read_only=True)
    required_qualifications = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    joint_departments = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    questions = ChecklistQuestionSerializer(many=True, read_only=True)
    filing_events = FilingEventSerializer(many=True, read_only=True)

    class Meta(VersionBriefSerializer.Meta):
        fields = [
            *VersionBriefSerializer.Meta.fields,
            "sub_items",
            "legal_basis",
            "implementing_body",
            "scope",
            "scope_description",
            "times_per_year",
            "required_qualifications",
            "joint_departments",
            *ItemVersion.GUIDELINE_FIELDS,
            "created_by",
            "reviewed_by",
            "questions",
            "filing_events",
        ]


class ItemListSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department_name = serializers.CharField(source="department.short_name", read_only=True)
    current_version = VersionBriefSerializer(read_only=True)
    open_version = serializers.SerializerMethodField(help_text=_("正在起草或备案中的版本（本部门可见）"))

    class Meta:
        model = InspectionItem
        fields = [
            "id",
            "code",
            "department",
            "department_name",
            "current_version",
            "open_version",
            "retired_at",
            "retired_reason",
            "created_at",
        ]

    @extend_schema_field(VersionBriefSerializer(allow_null=True))
    def get_open_version(self, item: InspectionItem):
        versions = getattr(item, "open_versions", None)
        if versions is None:
            versions = list(
                item_detail_versions(scope_for(self.context["request"].user), item).filter(
                    status__in=ItemVersion.OPEN_STATUSES
                )
            )
        return VersionBriefSerializer(versions[0]).data if versions else None


class ItemDetailSerializer(ItemListSerializer):
    current_version = serializers.SerializerMethodField(help_text=_("现行（已备案公布）版本的全部内容"))
    versions = serializers.SerializerMethodField(help_text=_("可查看的全部版本，新版本在前"))

    class Meta(ItemListSerializer.Meta):
        fields = [*ItemListSerializer.Meta.fields, "versions"]

    @extend_schema_field(VersionSerializer(allow_null=True))
    def get_current_version(self, item: InspectionItem):
        if not item.current_version_id:
            return None
        version = version_with_content(ItemVersion.objects.filter(pk=item.current_version_id)).select_related(
            "created_by", "reviewed_by"
        )
        return VersionSerializer(version.get()).data

    @extend_schema_field(VersionBriefSerializer(many=True))
    def get_versions(self, item: InspectionItem):
        scope = scope_for(self.context["request"].user)
        return VersionBriefSerializer(item_detail_versions(scope, item), many=True).data


class ChecklistQuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500, allow_blank=True, help_text=_("检查内容"))
    basis = serializers.CharField(max_length=500, allow_blank=True, required=False, default="", help_text=_("检查依据"))


class VersionContentSerializer(serializers.Serializer):
    """What a version says; the same fields create an item and change a draft."""

    name = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=ItemVersion.Category.choices, default=ItemVersion.Category.GENERAL)
    sub_items = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, default=list)
    legal_basis = serializers.CharField()
    implementing_body = serializers.CharField(max_length=200)
    scope = ScopeSerializer(required=False, default=dict)
    scope_description = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    default_ratio = serializers.DecimalField(max_digits=7, decimal_places=6, min_value=0, max_value=1)
    times_per_year = serializers.IntegerField(min_value=1, max_value=365, default=1)
    methods = serializers.ListField(child=serializers.ChoiceField(choices=ItemVersion.Method.choices))
    required_qualifications = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Qualification.objects.all(), required=False, default=list
    )
    joint_departments = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Department.objects.all(), required=False, default=list
    )
    inspection_basis = serializers.CharField(allow_blank=True, required=False, default="")
    inspection_content = serializers.CharField(allow_blank=True, required=False, default="")
    inspection_procedure = serializers.CharField(allow_blank=True, required=False, default="")
    approval_authority = serializers.CharField(allow_blank=True, required=False, default="")
    disclosure_procedure = serializers.CharField(allow_blank=True, required=False, default="")
    archiving_method = serializers.CharField(allow_blank=True, required=False, default="")
    change_note = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    checklist = ChecklistQuestionInputSerializer(many=True, required=False, default=list)


class ItemCreateSerializer(VersionContentSerializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.filter(is_active=True))
    code = serializers.CharField(max_length=32, trim_whitespace=False, help_text=_("事项编码（公开编码）"))


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("退回理由"))


class AcceptSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="", help_text=_("审查意见"))


class NewVersionSerializer(serializers.Serializer):
    change_note = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
