"""The forms of 后续处置 only carry what was typed: the services check it and say what is wrong
(dates arrive as text, so a bad date is the service's message naming the field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department
from spotcheck.followups.models import FollowUp, ReCheck
from spotcheck.followups.services import ESCALATION_KINDS
from spotcheck.inspectors.models import Inspector

_DATE = forms.TextInput(attrs={"type": "date"})
_NOTE = forms.Textarea(attrs={"rows": 3})


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.name


class OpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("处置方式"), choices=FollowUp.Kind.choices, widget=forms.RadioSelect)
    due_on = forms.CharField(label=_("整改期限"), required=False, widget=_DATE, help_text=_("责令改正时必填。"))
    case_number = forms.CharField(
        label=_("案件编号"), required=False, max_length=64, help_text=_("移送办案机构时必填（立案编号）。")
    )
    target_department = DepartmentChoice(
        label=_("抄告部门"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("（选择部门）"),
        help_text=_("抄告相关部门时必选，不能是本部门。"),
    )
    note = forms.CharField(
        label=_("处置说明"),
        required=False,
        max_length=2000,
        widget=_NOTE,
        help_text=_("选择“其他”或“无需后续处置”时必填。"),
    )

    def __init__(self, *args, department_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if department_id is not None:
            self.fields["target_department"].queryset = Department.objects.filter(is_active=True).exclude(
                pk=department_id
            )


class CloseForm(forms.Form):
    closed_on = forms.CharField(label=_("完结日期"), widget=_DATE)
    note = forms.CharField(label=_("完结说明"), max_length=2000, widget=_NOTE)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=255)


class HandledForm(forms.Form):
    note = forms.CharField(label=_("处理情况"), required=False, max_length=255)


class OfficerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Inspector) -> str:
        if obj.certificate_number:
            return _("%(name)s（执法证号 %(number)s）") % {"name": obj.name, "number": obj.certificate_number}
        return obj.name


class ReCheckForm(forms.Form):
    checked_on = forms.CharField(label=_("复查日期"), widget=_DATE)
    officers = OfficerChoice(
        label=_("复查人员"), queryset=Inspector.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.ChoiceField(label=_("复查结果"), choices=ReCheck.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("复查情况"), required=False, max_length=2000, widget=_NOTE)
    new_due_on = forms.CharField(
        label=_("新整改期限"), required=False, widget=_DATE, help_text=_("未改正且继续责令改正时填写。")
    )
    escalate_kind = forms.ChoiceField(
        label=_("未改正时转为"),
        required=False,
        choices=[("", _("不转，继续责令改正")), *[(k.value, k.label) for k in ESCALATION_KINDS]],
    )
    case_number = forms.CharField(label=_("案件编号"), required=False, max_length=64)
    target_department = DepartmentChoice(
        label=_("抄告部门"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("（选择部门）"),
    )

    def __init__(self, *args, department_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = Inspector.objects.filter(
            department_id=department_id, retired_at__isnull=True
        ).order_by("name")
        self.fields["target_department"].queryset = Department.objects.filter(is_active=True).exclude(pk=department_id)
