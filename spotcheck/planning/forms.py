"""Forms of the plan pages: they parse and present input; the services validate and write
(a service error is put back on the field it names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department
from spotcheck.catalog.forms import ScopeForm
from spotcheck.catalog.models import InspectionItem
from spotcheck.directory.models import InspectionObject
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from spotcheck.planning.strata import FLAGS

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Where a service's error on a field of its own goes on the forms of this app.
SERVICE_ERROR_FIELDS = {"scope": "scope_kinds", "filter": "credit_levels"}


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InspectionItem) -> str:
        name = obj.current_version.name if obj.current_version_id else ""
        return f"{obj.code} {name}（{obj.department.short_name}）"


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("计划年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("计划名称"), max_length=200)
    department = forms.ModelChoiceField(
        label=_("编制部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("部门联合抽查计划（联席办）"),
    )

    def __init__(self, *args, departments=None, joint_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments if departments is not None else Department.objects.none()
        self.fields["department"].required = not joint_allowed
        if not joint_allowed:
            self.fields["department"].empty_label = None


class PlanTitleForm(forms.Form):
    title = forms.CharField(label=_("计划名称"), max_length=200)


class EntryForm(ScopeForm):
    code = forms.CharField(label=_("任务编号"), max_length=32)
    name = forms.CharField(label=_("任务名称"), max_length=200)
    kind = forms.ChoiceField(label=_("抽查类型"), choices=PlanEntry.Kind.choices)
    items = ItemChoiceField(label=_("抽查事项"), queryset=InspectionItem.objects.none())
    lead_department = forms.ModelChoiceField(label=_("发起部门"), queryset=Department.objects.none())
    participating_departments = forms.ModelMultipleChoiceField(
        label=_("参与部门"), queryset=Department.objects.none(), required=False
    )
    window_start = forms.DateField(label=_("开始日期"), widget=_DATE)
    window_end = forms.DateField(label=_("结束日期"), widget=_DATE)
    frequency_cap_days = forms.IntegerField(
        label=_("同一对象抽查间隔（天）"),
        min_value=1,
        initial=365,
        help_text=_("无事不扰：在此天数内已被抽中的对象不再抽取。"),
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("调整原因"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    MAIN_FIELDS = (
        "code",
        "name",
        "kind",
        "items",
        "lead_department",
        "participating_departments",
        "window_start",
        "window_end",
        "frequency_cap_days",
        "notes",
    )

    def __init__(self, *args, plan: AnnualPlan, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(region_id=plan.region_id, is_active=True)
        self.fields["lead_department"].queryset = departments
        self.fields["participating_departments"].queryset = departments
        self.fields["items"].queryset = InspectionItem.objects.filter(
            current_version__isnull=False, retired_at__isnull=True, department__region_id=plan.region_id
        ).select_related("current_version", "department")
        if plan.status != AnnualPlan.Status.PUBLISHED:
            del self.fields["reason"]

    def main_fields(self):
        return [self[f] for f in self.MAIN_FIELDS]

    @classmethod
    def initial_from(cls, entry: PlanEntry) -> dict[str, Any]:
        initial = {f: getattr(entry, f) for f in cls.MAIN_FIELDS if f not in {"items", "participating_departments"}}
        initial["items"] = list(entry.items.all())
        initial["participating_departments"] = list(entry.participating_departments.all())
        return initial | cls.initial_from_scope(entry.scope)

    def service_kwargs(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.MAIN_FIELDS}
        data["scope"] = self.scope()
        data["reason"] = self.cleaned_data.get("reason", "")
        return data


class StratumForm(forms.Form):
    name = forms.CharField(label=_("分层名称"), max_length=100, strip=False)
    ratio = forms.CharField(label=_("抽取比例"), max_length=12, help_text=_("0 到 1 之间的小数，如 0.05 表示 5%"))
    credit_levels = forms.MultipleChoiceField(
        label=_("信用等级"),
        choices=InspectionObject.CreditLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_levels = forms.MultipleChoiceField(
        label=_("风险等级"),
        choices=InspectionObject.RiskLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label=_("监管标记（任一即可）"),
        choices=list(FLAGS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    penalty_within_days = forms.IntegerField(label=_("处罚期限（天）"), required=False, min_value=1)
    min_count = forms.IntegerField(label=_("最少抽取数"), required=False, min_value=0)
    max_count = forms.IntegerField(label=_("最多抽取数"), required=False, min_value=0)
    reason = forms.CharField(
        label=_("调整原因"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, plan: AnnualPlan, **kwargs):
        super().__init__(*args, **kwargs)
        if plan.status != AnnualPlan.Status.PUBLISHED:
            del self.fields["reason"]

    @classmethod
    def initial_from(cls, stratum: PlanStratum) -> dict[str, Any]:
        return {
            "name": stratum.name,
            "ratio": stratum.ratio,
            "min_count": stratum.min_count,
            "max_count": stratum.max_count,
            **{k: stratum.filter.get(k) for k in ("credit_levels", "risk_levels", "flags", "penalty_within_days")},
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        stratum_filter = {k: data[k] for k in ("credit_levels", "risk_levels", "flags") if data.get(k)}
        if data.get("penalty_within_days") is not None:
            stratum_filter["penalty_within_days"] = data["penalty_within_days"]
        return {
            "name": data["name"],
            "ratio": data["ratio"].strip(),
            "filter": stratum_filter,
            "min_count": data.get("min_count"),
            "max_count": data.get("max_count"),
            "reason": data.get("reason", ""),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label: str | None = None, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        self.fields["reason"].required = required
