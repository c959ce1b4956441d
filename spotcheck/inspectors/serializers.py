"""API representations of inspectors and recusals. They type the input only; services decide."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import scope_for
from spotcheck.directory.models import InspectionObject
from spotcheck.inspectors.access import may_see_private_details
from spotcheck.inspectors.models import Inspector, Qualification, Recusal
from spotcheck.inspectors.selectors import inspectors_for_scope


class InspectorSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.filter(is_active=True))
    department_name = serializers.CharField(source="department.short_name", read_only=True)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True, trim_whitespace=False)
    qualifications = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Qualification.objects.all()
    )
    jurisdictions = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Region.objects.all()
    )
    matchable_today = serializers.SerializerMethodField()
    # Null when the reader is not an admin of the inspector's department (see to_representation).
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy("联系电话：仅本部门管理员可见，其他人读到 null"),
    )
    availability_reason = serializers.CharField(
        read_only=True, allow_null=True, help_text=gettext_lazy("状态变更原因：仅本部门管理员可见，其他人读到 null")
    )

    class Meta:
        model = Inspector
        fields = [
            "id",
            "code",
            "name",
            "department",
            "department_name",
            "kind",
            "certificate_number",
            "certificate_expires_on",
            "post",
            "title",
            "phone",
            "can_lead",
            "specialties",
            "qualifications",
            "jurisdictions",
            "availability",
            "availability_from",
            "availability_until",
            "availability_reason",
            "matchable_today",
            "retired_at",
            "retired_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "availability",
            "availability_from",
            "availability_until",
            "availability_reason",
            "retired_at",
            "retired_reason",
            "created_at",
            "updated_at",
        ]
        # Uniqueness is checked by the service, with its own messages.
        validators: list = []
        extra_kwargs = {"certificate_number": {"validators": []}}

    @extend_schema_field(serializers.BooleanField())
    def get_matchable_today(self, obj: Inspector) -> bool:
        return obj.is_matchable_on(timezone.localdate())

    def validate_phone(self, value: str | None) -> str:
        return value or ""

    def to_representation(self, instance: Inspector) -> dict:
        data = super().to_representation(instance)
        request = self.context.get("request")
        scope = scope_for(request.user if request is not None else None)
        if not may_see_private_details(scope, instance.department_id):
            # The phone number and the availability reason are the department admins' (null:
            # not shown, as opposed to "" for none recorded).
            data["phone"] = None
            data["availability_reason"] = None
        return data


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class RestoreSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class AvailabilitySerializer(serializers.Serializer):
    availability = serializers.ChoiceField(choices=Inspector.Availability.choices)
    available_from = serializers.DateField(required=False, allow_null=True, default=None)
    available_until = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=255)


class RecusalSerializer(serializers.ModelSerializer):
    inspector = serializers.PrimaryKeyRelatedField(queryset=Inspector.objects.all())
    inspection_object = serializers.SlugRelatedField(slug_field="public_code", queryset=InspectionObject.objects.all())
    inspection_object_name = serializers.CharField(source="inspection_object.name", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Recusal
        fields = [
            "id",
            "inspector",
            "inspection_object",
            "inspection_object_name",
            "reason",
            "is_active",
            "created_at",
            "ended_at",
            "ended_reason",
        ]
        read_only_fields = ["created_at", "ended_at", "ended_reason"]
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only inspectors the caller may read can be named (others look like unknown ids).
            self.fields["inspector"].queryset = inspectors_for_scope(scope_for(request.user))
