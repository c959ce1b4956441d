import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.audit.models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("操作"), lookup_expr="startswith")
    actor = django_filters.CharFilter(label=_("操作人账号"), field_name="actor_label", lookup_expr="iexact")
    department = django_filters.ModelChoiceFilter(
        label=_("部门"),
        # The department model is the accounts app's, which this app does not import.
        queryset=AuditEntry._meta.get_field("department").related_model.objects.all(),
        empty_label=_("全部"),
    )
    target_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="exact")
    target_id = django_filters.CharFilter(label=_("对象标识"), lookup_expr="exact")
    source = django_filters.ChoiceFilter(label=_("来源"), choices=AuditEntry.Source.choices, empty_label=_("全部"))
    since = django_filters.DateFilter(
        label=_("起始日期"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("截止日期"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []
