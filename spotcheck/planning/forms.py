"""Forms of the plan pages: they parse and present input; the services validate and write
(a service error is put back on the field it names)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from spotcheck.accounts.models import Department
from spotcheck.catalog.forms import ScopeForm
from spotcheck.catalog.models import InspectionItem
from spotcheck.core.forms import ChineseSelectsMixin
from spotcheck.core.widgets import CheckboxColumns, SearchableSelectMultiple
from spotcheck.directory.models import InspectionObject
from spotcheck.directory.object_filter import DEFAULT_PENALTY_DAYS, MAX_PENALTY_DAYS
from spotcheck.planning.models import AnnualPlan, PlanEntry, PlanStratum
from spotcheck.planning.strata import describe_stratum_filters

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Where a service's error on a field of its own goes on the forms of this app.
SERVICE_ERROR_FIELDS = {"scope": "scope_kinds", "filter": "credit_levels"}


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InspectionItem) -> str:
        name = obj.current_version.name if obj.current_version_id else ""
        return f"{obj.code} {name}（{obj.department.short_name}）"


class PlanForm(ChineseSelectsMixin, forms.Form):
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
    items = ItemChoiceField(
        label=_("抽查事项"), queryset=InspectionItem.objects.none(), widget=SearchableSelectMultiple
    )
    lead_department = forms.ModelChoiceField(label=_("发起部门"), queryset=Department.objects.none())
    participating_departments = forms.ModelMultipleChoiceField(
        label=_("参与部门"), queryset=Department.objects.none(), required=False, widget=CheckboxColumns
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


# The form's 监管标记 and the filter each stands for; several ticked are alternatives (any_of).
FLAGS: dict[str, Any] = {
    "abnormal_list": _("列入经营异常名录"),
    "serious_violation": _("列入严重违法失信名单"),
    "recent_penalty": _("近期受过行政处罚"),
    "key_supervision": _("重点监管对象"),
}
KEY_SUPERVISION_TAG = "key_supervision"


def _flag_filter(flag: str, penalty_days: int) -> dict[str, Any]:
    if flag == "abnormal_list":
        return {"abnormal_list": True}
    if flag == "serious_violation":
        return {"serious_violation_list": True}
    if flag == "key_supervision":
        return {"tags": [KEY_SUPERVISION_TAG]}
    return {"penalised_within_days": penalty_days}


def _flag_of(alternative: Mapping[str, Any]) -> str | None:
    for flag in FLAGS:
        if flag == "recent_penalty":
            if set(alternative) == {"penalised_within_days"}:
                return flag
        elif alternative == _flag_filter(flag, DEFAULT_PENALTY_DAYS):
            return flag
    return None


def _form_fields_of(stratum_filter: Mapping[str, Any]) -> dict[str, Any] | None:
    """The form's fields of a stratum filter, or None when the form cannot show it (a filter
    written through the API with other conditions)."""
    rest = dict(stratum_filter)
    fields: dict[str, Any] = {key: rest.pop(key, []) for key in ("credit_levels", "risk_levels")}
    if not rest:
        alternatives = []
    elif set(rest) == {"any_of"}:
        alternatives = rest["any_of"]
    else:
        alternatives = [rest]  # one flag is its key itself
    flags = [_flag_of(a) for a in alternatives]
    if None in flags or len(set(flags)) < len(flags):
        return None
    fields["flags"] = [f for f in FLAGS if f in flags]
    fields["penalty_within_days"] = next(
        (a["penalised_within_days"] for a in alternatives if "penalised_within_days" in a), None
    )
    return fields


class StratumForm(ChineseSelectsMixin, forms.Form):
    name = forms.CharField(label=_("分层名称"), max_length=100, strip=False)
    ratio = forms.CharField(label=_("抽取比例"), max_length=12, help_text=_("0 到 1 之间的小数，如 0.05 表示 5%"))
    credit_levels = forms.MultipleChoiceField(
        label=_("信用等级"),
        choices=InspectionObject.CreditLevel.choices,
        required=False,
        widget=CheckboxColumns,
    )
    risk_levels = forms.MultipleChoiceField(
        label=_("风险等级"),
        choices=InspectionObject.RiskLevel.choices,
        required=False,
        widget=CheckboxColumns,
    )
    flags = forms.MultipleChoiceField(
        label=_("监管标记（任一即可）"),
        choices=list(FLAGS.items()),
        required=False,
        widget=CheckboxColumns,
    )
    penalty_within_days = forms.IntegerField(
        label=_("处罚期限（天）"), required=False, min_value=1, max_value=MAX_PENALTY_DAYS
    )
    min_count = forms.IntegerField(label=_("最少抽取数"), required=False, min_value=0)
    max_count = forms.IntegerField(label=_("最多抽取数"), required=False, min_value=0)
    reason = forms.CharField(
        label=_("调整原因"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    FILTER_FIELDS = ("credit_levels", "risk_levels", "flags", "penalty_within_days")

    def __init__(self, *args, plan: AnnualPlan, stratum: PlanStratum | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan.status != AnnualPlan.Status.PUBLISHED:
            del self.fields["reason"]
        # A filter the checkboxes cannot show is kept as it is, not lost on saving.
        self.kept_filter: dict[str, Any] | None = None
        if stratum is not None and _form_fields_of(stratum.filter) is None:
            self.kept_filter = dict(stratum.filter)
            for name in self.FILTER_FIELDS:
                del self.fields[name]
            self.fields["conditions"] = forms.CharField(
                label=_("分层条件"),
                required=False,
                disabled=True,
                initial=pgettext("clause separator", "；").join(describe_stratum_filters([stratum.filter])[0]),
                help_text=_("只能通过接口修改，在此保存时保持不变。"),
            )

    @classmethod
    def initial_from(cls, stratum: PlanStratum) -> dict[str, Any]:
        return {
            "name": stratum.name,
            "ratio": stratum.ratio,
            "min_count": stratum.min_count,
            "max_count": stratum.max_count,
            **(_form_fields_of(stratum.filter) or {}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("penalty_within_days") is not None and "recent_penalty" not in (data.get("flags") or []):
            self.add_error("penalty_within_days", _("只有选择“近期受过行政处罚”时才能填写处罚期限。"))
        return data

    def stratum_filter(self) -> dict[str, Any]:
        """The ticked boxes in the object filter language."""
        if self.kept_filter is not None:
            return self.kept_filter
        data = self.cleaned_data
        stratum_filter: dict[str, Any] = {k: data[k] for k in ("credit_levels", "risk_levels") if data.get(k)}
        days = data.get("penalty_within_days") or DEFAULT_PENALTY_DAYS
        alternatives = [_flag_filter(flag, days) for flag in FLAGS if flag in (data.get("flags") or [])]
        if len(alternatives) == 1:
            stratum_filter.update(alternatives[0])
        elif alternatives:
            stratum_filter["any_of"] = alternatives
        return stratum_filter

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "ratio": data["ratio"].strip(),
            "filter": self.stratum_filter(),
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
