"""The one definition of "a filtered list of inspection objects".

The list page, the API and the export all read the same query string through ``ObjectFilter``,
so an exported file holds exactly the rows the user was looking at. Code tables are addressed
by their codes (``region=320481``, ``industry=F``, ``tag=school_canteen``), which keeps links
stable across databases.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Region
from spotcheck.core.filters import OrderingFilter, YesNoFilter
from spotcheck.directory.models import Industry, InspectionObject, LicenceKind, ObjectLicence, Tag


def object_text_q(text: str, *, via: str = "") -> Q:
    """The directory's one text search: any part of the name (``icontains``, which the name's
    trigram index serves on PostgreSQL), or the start of the public code (统一社会信用代码/公开编码).
    ``via`` is the path to the object from another model (``"inspection_object__"`` for a visit),
    so that every list of objects searches the same way."""
    text = text.strip()
    by_name = Q(**{f"{via}name__icontains": text})
    if not text.isascii():  # codes are ASCII: a query with 汉字 can only be a name
        return by_name
    return by_name | Q(**{f"{via}public_code__startswith": text.upper()})


class _CodeChoiceField(forms.ModelChoiceField):
    """Shows "code name" in the drop-down, so 门类 and 大类 read as a tree."""

    def label_from_instance(self, obj):
        if isinstance(obj, Industry) and obj.level == Industry.Level.DIVISION:
            return f"　{obj.code} {obj.name}"
        if isinstance(obj, Region) and obj.level == Region.Level.TOWN:
            return f"　{obj.name}"
        return str(obj)


class _CodeChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _CodeChoiceField


class ObjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("名称或编码"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("名称关键字或信用代码"), "autocomplete": "off"}
        ),
    )
    name = django_filters.CharFilter(label=_("名称包含"), field_name="name", lookup_expr="icontains")
    code = django_filters.CharFilter(label=_("信用代码/公开编码"), method="filter_code")
    region = _CodeChoiceFilter(
        label=_("所属区划"),
        queryset=Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWN]),
        to_field_name="code",
        method="filter_region",
    )
    industry = _CodeChoiceFilter(
        label=_("行业"), queryset=Industry.objects.tree_order(), to_field_name="code", method="filter_industry"
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("分类标注"), queryset=Tag.objects.all(), to_field_name="code", method="filter_tag"
    )
    licence_kind = django_filters.ModelChoiceFilter(
        label=_("持有许可"), queryset=LicenceKind.objects.all(), to_field_name="code", method="filter_licence_kind"
    )
    kind = django_filters.ChoiceFilter(label=_("对象类型"), choices=InspectionObject.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("登记状态"), choices=InspectionObject.Status.choices)
    risk_level = django_filters.ChoiceFilter(label=_("风险等级"), choices=InspectionObject.RiskLevel.choices)
    credit_level = django_filters.ChoiceFilter(label=_("信用等级"), choices=InspectionObject.CreditLevel.choices)
    in_abnormal_list = YesNoFilter(label=_("经营异常名录"))
    in_serious_violation_list = YesNoFilter(label=_("严重违法失信名单"))
    annual_report_status = django_filters.ChoiceFilter(
        label=_("年报状态"), choices=InspectionObject.AnnualReport.choices
    )
    supervising_department = django_filters.ModelChoiceFilter(
        label=_("监管部门"),
        queryset=Department.objects.filter(is_active=True),
        to_field_name="code",
        method="filter_supervising_department",
    )
    include_retired = django_filters.BooleanFilter(
        label=_("含已停用"), method="filter_include_retired", widget=forms.CheckboxInput
    )
    ordering = OrderingFilter(
        label=_("排序"),
        fields=(("public_code", "code"), ("name", "name"), ("updated_at", "updated")),
        field_labels={"public_code": _("编码"), "name": _("名称"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = InspectionObject
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """One box for a phone: a name fragment, or the start of a credit code."""
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(object_text_q(text))

    def filter_code(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # USCC kinds have public_code == uscc, so one prefix search covers both.
        text = value.strip().upper()
        return queryset.filter(public_code__startswith=text) if text else queryset

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        # A county stands for itself and every town in it.
        return queryset.filter(Q(region=value) | Q(region__parent=value))

    def filter_industry(self, queryset: QuerySet, name: str, value: Industry) -> QuerySet:
        return queryset.filter(Q(industry=value) | Q(industry__parent=value))

    def filter_tag(self, queryset: QuerySet, name: str, value: Tag) -> QuerySet:
        through = InspectionObject.tags.through.objects.filter(inspectionobject_id=OuterRef("pk"), tag_id=value.pk)
        return queryset.filter(Exists(through))

    def filter_licence_kind(self, queryset: QuerySet, name: str, value: LicenceKind) -> QuerySet:
        held = ObjectLicence.objects.filter(inspection_object_id=OuterRef("pk"), kind_id=value.pk, retired_at=None)
        return queryset.filter(Exists(held))

    def filter_supervising_department(self, queryset: QuerySet, name: str, value: Department) -> QuerySet:
        through = InspectionObject.supervising_departments.through.objects.filter(
            inspectionobject_id=OuterRef("pk"), department_id=value.pk
        )
        return queryset.filter(Exists(through))

    def filter_include_retired(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        # Applied in filter_queryset, which must also hide retired rows when the key is absent.
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_retired"):
            queryset = queryset.filter(retired_at__isnull=True)
        return queryset
