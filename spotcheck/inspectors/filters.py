"""The filters of the inspectors list. The list page, the API and the export (imports app)
all use this one FilterSet, so the same query string selects the same inspectors everywhere.
Choices are given by stable codes (department, qualification, region) so links survive
database moves."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import scope_for
from spotcheck.core.filters import YesNoFilter
from spotcheck.inspectors.models import Inspector, Qualification

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def readable_departments(request) -> QuerySet[Department]:
    """Department choices: those whose inspectors the requesting user can see (all without a request)."""
    departments = Department.objects.filter(is_active=True)
    if request is None:
        return departments
    scope = scope_for(request.user)
    return departments if scope.reads_all else departments.filter(pk__in=scope.read_departments or [])


class InspectorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名/编码"), method="filter_text")
    department = django_filters.ModelChoiceFilter(
        label=_("部门"),
        queryset=readable_departments,
        to_field_name="code",
        empty_label=_("全部部门"),
    )
    kind = django_filters.ChoiceFilter(label=_("人员类别"), choices=Inspector.Kind.choices, empty_label=_("全部类别"))
    qualification = django_filters.ModelChoiceFilter(
        label=_("执法资格"),
        queryset=Qualification.objects.all(),
        to_field_name="code",
        method="filter_qualification",
        empty_label=_("全部资格"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("管辖片区"),
        queryset=Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWN], is_active=True),
        to_field_name="code",
        method="filter_region",
        empty_label=_("全部片区"),
    )
    can_lead = YesNoFilter(label=_("可任组长"))
    availability = django_filters.ChoiceFilter(
        label=_("在岗状态"), choices=Inspector.Availability.choices, empty_label=_("全部状态")
    )
    matchable_on = django_filters.DateFilter(label=_("可参与匹配日期"), method="filter_matchable_on", widget=DATE_INPUT)
    certificate_expires_within = django_filters.NumberFilter(
        label=_("执法证在 N 天内到期"),
        method="filter_certificate_expires_within",
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"step": 1}),
    )
    certificate_expired = YesNoFilter(label=_("执法证已过期或缺失"), method="filter_certificate_expired")
    include_retired = django_filters.BooleanFilter(
        label=_("含已停用人员"), method="filter_include_retired", widget=forms.CheckboxInput
    )

    class Meta:
        model = Inspector
        fields: list[str] = []

    @staticmethod
    def today() -> dt.date:
        return timezone.localdate()

    def filter_text(self, qs: QuerySet[Inspector], name: str, value: str) -> QuerySet[Inspector]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(certificate_number__icontains=value))

    def filter_qualification(self, qs: QuerySet[Inspector], name: str, value: Qualification) -> QuerySet[Inspector]:
        through = Inspector.qualifications.through
        return qs.filter(Exists(through.objects.filter(inspector_id=OuterRef("pk"), qualification_id=value.pk)))

    def filter_region(self, qs: QuerySet[Inspector], name: str, value: Region) -> QuerySet[Inspector]:
        """A town matches itself; a county matches any of its towns."""
        through = Inspector.jurisdictions.through
        covered = through.objects.filter(inspector_id=OuterRef("pk")).filter(
            Q(region_id=value.pk) | Q(region__parent_id=value.pk)
        )
        return qs.filter(Exists(covered))

    def filter_matchable_on(self, qs: QuerySet[Inspector], name: str, value: dt.date) -> QuerySet[Inspector]:
        return qs.filter(Inspector.matchable_q(value))

    def filter_certificate_expires_within(self, qs: QuerySet[Inspector], name: str, value) -> QuerySet[Inspector]:
        today = self.today()
        return qs.filter(
            kind__in=Inspector.KINDS_WITH_CERTIFICATE,
            certificate_expires_on__gte=today,
            certificate_expires_on__lte=today + dt.timedelta(days=int(value)),
        )

    def filter_certificate_expired(self, qs: QuerySet[Inspector], name: str, value: bool) -> QuerySet[Inspector]:
        lapsed = Q(kind__in=Inspector.KINDS_WITH_CERTIFICATE) & (
            Q(certificate_number="")
            | Q(certificate_expires_on__isnull=True)
            | Q(certificate_expires_on__lt=self.today())
        )
        return qs.filter(lapsed) if value else qs.exclude(lapsed)

    def filter_include_retired(self, qs: QuerySet[Inspector], name: str, value: bool) -> QuerySet[Inspector]:
        # Applied in filter_queryset, which must also act when the parameter is absent.
        return qs

    def filter_queryset(self, queryset: QuerySet[Inspector]) -> QuerySet[Inspector]:
        qs = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_retired"):
            qs = qs.filter(retired_at__isnull=True)
        return qs
