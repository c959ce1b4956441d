"""Forms of the directory pages. They collect and present input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import Scope
from spotcheck.core.forms import ChineseSelectsMixin
from spotcheck.core.widgets import CheckboxColumns
from spotcheck.directory.models import Industry, InspectionObject, LevelChange, LicenceKind, Tag
from spotcheck.directory.validators import OBJECT_FIELDS, normalize_uscc

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Industry) -> str:
        indent = "　" if obj.level == Industry.Level.DIVISION else ""
        return f"{indent}{obj.code} {obj.name}"


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"　{obj.name}" if obj.level == Region.Level.TOWN else obj.name


class ObjectForm(ChineseSelectsMixin, forms.ModelForm):
    level_effective_on = forms.DateField(label=_("等级生效日期"), required=False, widget=DATE_INPUT)
    level_reason = forms.CharField(
        label=_("等级变更原因"),
        required=False,
        max_length=255,
        help_text=_("修改风险等级或信用等级时必填。"),
    )
    level_source = forms.CharField(
        label=_("等级依据来源"),
        required=False,
        max_length=100,
        help_text=_("如：信用风险分类结果、部门评定。修改等级时必填。"),
    )

    class Meta:
        model = InspectionObject
        fields = list(OBJECT_FIELDS)
        field_classes = {"industry": IndustryChoiceField, "region": RegionChoiceField}
        widgets = {
            "established_on": DATE_INPUT,
            "tags": CheckboxColumns,
            "supervising_departments": CheckboxColumns,
        }
        help_texts = {
            "uscc": _("企业、个体工商户、农民专业合作社必填（18 位）；产品、工程项目、行为不填，由平台分配公开编码。"),
        }

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        self.fields["uscc"].required = False
        # Codes are often pasted with spaces or hyphens; normalize_uscc strips them.
        self.fields["uscc"].max_length = None
        self.fields["uscc"].validators = []
        self.fields["uscc"].widget.attrs.update({"maxlength": "30", "autocapitalize": "characters", "class": "mono"})
        self.fields["region"].queryset = Region.objects.filter(
            is_active=True, level__in=[Region.Level.COUNTY, Region.Level.TOWN]
        ).order_by("code")
        self.fields["industry"].queryset = Industry.objects.tree_order()
        active_tags = Q(is_active=True)
        owners = Department.objects.filter(is_active=True)
        if not scope.writes_all:
            owners = owners.filter(pk__in=scope.write_departments or [])
        if instance is not None:
            active_tags |= Q(pk__in=instance.tags.values("pk"))
            owners = Department.objects.filter(Q(pk__in=owners.values("pk")) | Q(pk=instance.owner_department_id))
        else:
            self.fields["owner_department"].initial = scope.primary_department_id
            del self.fields["level_effective_on"]
            self.fields["level_reason"].help_text = _("可不填，默认为“新建检查对象时登记的初始等级”。")
            self.fields["level_source"].help_text = ""
        self.fields["tags"].queryset = Tag.objects.filter(active_tags)
        self.fields["owner_department"].queryset = owners
        self.fields["supervising_departments"].queryset = Department.objects.filter(is_active=True)

    def clean_uscc(self) -> str | None:
        # Whether the kind needs a code, and whether it is taken, is the service's to say;
        # empty becomes NULL (several objects may lack one).
        value = (self.cleaned_data.get("uscc") or "").strip()
        return normalize_uscc(value) if value else None

    def validate_unique(self) -> None:
        # The service reports a taken USCC naming the object that holds it.
        return

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in OBJECT_FIELDS}

    def level_note(self) -> dict[str, Any]:
        return {
            "level_effective_on": self.cleaned_data.get("level_effective_on"),
            "level_reason": self.cleaned_data.get("level_reason", ""),
            "level_source": self.cleaned_data.get("level_source", ""),
        }


class LevelChangeForm(ChineseSelectsMixin, forms.Form):
    new_value = forms.ChoiceField(label=_("新等级"))
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("变更原因"), max_length=255, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(
        label=_("依据来源"), max_length=100, help_text=_("如：信用风险分类结果、部门评定、投诉举报核查。")
    )

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = InspectionObject.RiskLevel if field == LevelChange.Field.RISK else InspectionObject.CreditLevel
        self.fields["new_value"].choices = [("", "---------"), *choices.choices]
        self.fields["new_value"].label = _("新的风险等级") if field == LevelChange.Field.RISK else _("新的信用等级")
        self.fields["effective_on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=255, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class LicenceForm(ChineseSelectsMixin, forms.Form):
    kind = forms.ModelChoiceField(label=_("许可类别"), queryset=LicenceKind.objects.order_by("name"))
    number = forms.CharField(label=_("许可证号"), max_length=64)
    valid_until = forms.DateField(
        label=_("有效期至"), required=False, widget=DATE_INPUT, help_text=_("长期有效的不填。")
    )


class PenaltyForm(ChineseSelectsMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("处罚部门"), queryset=Department.objects.none())
    decision_number = forms.CharField(label=_("处罚决定书文号"), max_length=64)
    decided_on = forms.DateField(label=_("处罚日期"), widget=DATE_INPUT)
    summary = forms.CharField(label=_("违法事实与处罚内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True)
        if not scope.writes_all:
            departments = departments.filter(pk__in=scope.write_departments or [])
        self.fields["department"].queryset = departments
        self.fields["department"].initial = scope.primary_department_id
