"""ItemFilter: the filters of the item list page, reused by the export of item lists.

Conditions on a version's content (category, method, qualification, name) match an item when
its current version or its open version matches; the open version only counts when the user
may read it (their own department's drafts, or every department's for region-wide roles),
so a filter never reveals another department's draft. Pass ``request`` so the filter knows
who is asking; without it only current versions are searched.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import EMPTY_SCOPE, Scope, scope_for
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.catalog.selectors import open_versions_for_scope
from spotcheck.inspectors.models import Qualification

STATUS_CHOICES = [
    ("published", _("已公布（现行有效）")),
    ("unpublished", _("尚未公布")),
    (ItemVersion.Status.DRAFT, _("有草稿")),
    (ItemVersion.Status.FILING, _("待备案")),
    (ItemVersion.Status.RETURNED, _("已退回待修改")),
]


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("编码或名称"))
    # Codes, not ids, in the query string: an export link stays meaningful in another database.
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.filter(is_active=True),
        to_field_name="code",
        label=_("所属部门"),
        empty_label=_("全部部门"),
    )
    category = django_filters.ChoiceFilter(
        choices=ItemVersion.Category.choices, method="filter_category", label=_("事项类别"), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("状态"), empty_label=_("全部")
    )
    method = django_filters.ChoiceFilter(
        choices=ItemVersion.Method.choices, method="filter_method", label=_("检查方式"), empty_label=_("全部")
    )
    qualification = django_filters.ModelChoiceFilter(
        queryset=Qualification.objects.filter(is_active=True),
        to_field_name="code",
        method="filter_qualification",
        label=_("资格要求"),
        empty_label=_("全部"),
    )
    include_retired = django_filters.BooleanFilter(
        method="filter_include_retired", label=_("含已停用事项"), widget=forms.CheckboxInput
    )

    class Meta:
        model = InspectionItem
        fields = ["q", "department", "category", "status", "method", "qualification", "include_retired"]

    @property
    def scope(self) -> Scope:
        user = getattr(self.request, "user", None)
        return scope_for(user) if user is not None else EMPTY_SCOPE

    def _current_or_open(self, condition: Q) -> Q:
        current = ItemVersion.objects.filter(condition, pk=OuterRef("current_version_id"))
        open_version = open_versions_for_scope(self.scope).filter(condition, item_id=OuterRef("pk"))
        return Q(Exists(current)) | Q(Exists(open_version))

    def filter_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(code__icontains=text) | self._current_or_open(Q(name__icontains=text)))

    def filter_category(self, queryset, name, value):
        return queryset.filter(self._current_or_open(Q(category=value)))

    def filter_method(self, queryset, name, value):
        # Methods are a JSON list of distinct words, none a part of another; the text match
        # works the same on SQLite and PostgreSQL (JSON "contains" does not exist on SQLite).
        return queryset.filter(self._current_or_open(Q(methods__icontains=f'"{value}"')))

    @extend_schema_field(OpenApiTypes.STR)
    def filter_qualification(self, queryset, name, value):
        return queryset.filter(self._current_or_open(Q(required_qualifications=value)))

    def filter_status(self, queryset, name, value):
        if value == "published":
            return queryset.filter(current_version__isnull=False)
        if value == "unpublished":
            return queryset.filter(current_version__isnull=True)
        open_version = open_versions_for_scope(self.scope).filter(status=value, item_id=OuterRef("pk"))
        return queryset.filter(Exists(open_version))

    def filter_include_retired(self, queryset, name, value):
        # Applied in filter_queryset so that "not ticked" (and no value at all) hides them.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_retired"):
            queryset = queryset.filter(retired_at__isnull=True)
        return queryset
