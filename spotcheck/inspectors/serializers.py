"""API representations of inspectors and recusals. They type the input only; services decide."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import scope_for
from spotcheck.directory.models import InspectionObject
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
