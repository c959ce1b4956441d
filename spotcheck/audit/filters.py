import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.audit.actions import action_choices
from spotcheck.audit.models import AuditEntry
from spotcheck.audit.selectors import target_kind_choices


class AuditEntryFilter(django_filters.FilterSet):
    # A list of the actions by name, and per group the whole group (an app's actions): never a
    # code to type.
    action = django_filters.ChoiceFilter(
        label=_("操作"), choices=action_choices, empty_label=_("全部"), method="filter_action"
    )
    actor = django_filters.CharFilter(label=_("操作人账号"), field_name="actor_label", lookup_expr="iexact")
    department = django_filters.ModelChoiceFilter(
        label=_("部门"),
        # The department model is the accounts app's, which this app does not import.
        queryset=AuditEntry._meta.get_field("department").related_model.objects.all(),
        empty_label=_("全部"),
    )
    target_type = django_filters.ChoiceFilter(label=_("对象类型"), choices=target_kind_choices, empty_label=_("全部"))
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

    def filter_action(self, queryset, name, value):
        if "." in value:
            return queryset.filter(action=value)
        return queryset.filter(action__startswith=f"{value}.")

    class Meta:
        model = AuditEntry
        fields: list[str] = []
