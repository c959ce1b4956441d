"""Forms of the inspectors pages. They only collect and type the input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Region, User
from spotcheck.accounts.scope import Scope
from spotcheck.core.forms import ChineseSelectsMixin
from spotcheck.core.widgets import CheckboxColumns, SearchableSelectMultiple
from spotcheck.directory.models import InspectionObject
from spotcheck.inspectors.models import Inspector, Qualification

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.username}）"


class InspectorForm(ChineseSelectsMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("所属部门"), queryset=Department.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    kind = forms.ChoiceField(label=_("人员类别"), choices=Inspector.Kind.choices)
    code = forms.CharField(
        label=_("人员编码"),
        max_length=32,
        required=False,
        strip=False,
        help_text=_("公开编码。留空时：持证人员取执法证号，其他人员由平台分配。"),
    )
    certificate_number = forms.CharField(label=_("执法证号"), max_length=32, required=False)
    certificate_expires_on = forms.DateField(label=_("执法证有效期至"), required=False, widget=DATE_INPUT)
    post = forms.CharField(label=_("岗位/职务"), max_length=50, required=False)
    title = forms.CharField(label=_("职称"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    qualifications = forms.ModelMultipleChoiceField(
        label=_("执法资格"), queryset=Qualification.objects.none(), required=False, widget=CheckboxColumns
    )
    jurisdictions = forms.ModelMultipleChoiceField(
        label=_("管辖片区"),
        queryset=Region.objects.filter(level=Region.Level.TOWN, is_active=True),
        required=False,
        help_text=_("只能选择乡镇（街道）。"),
        widget=SearchableSelectMultiple,
    )
    can_lead = forms.BooleanField(label=_("可任组长"), required=False)
    specialties = forms.CharField(label=_("专业特长"), max_length=255, required=False)
    user = UserChoiceField(
        label=_("登录账号"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("可选：本部门在册人员的平台账号，用于查看本人检查任务。"),
    )

    def __init__(self, *args, scope: Scope, instance: Inspector | None = None, with_phone: bool = True, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f: getattr(instance, f) for f in ("name", "kind", "code", "certificate_number")},
                **{f: getattr(instance, f) for f in ("certificate_expires_on", "post", "title", "phone")},
                "department": instance.department_id,
                "can_lead": instance.can_lead,
                "specialties": instance.specialties,
                "user": instance.user_id,
                "qualifications": [q.pk for q in instance.qualifications.all()],
                "jurisdictions": [r.pk for r in instance.jurisdictions.all()],
            }
        if not with_phone and "initial" in kwargs:
            kwargs["initial"].pop("phone", None)
        super().__init__(*args, **kwargs)
        if not with_phone:
            # Not shown and not sent: the service keeps the number as it is.
            del self.fields["phone"]
        departments = Department.objects.filter(is_active=True)
        if not scope.writes_all:
            departments = departments.filter(pk__in=scope.write_departments or [])
        self.fields["department"].queryset = departments
        held = [q.pk for q in instance.qualifications.all()] if instance is not None else []
        self.fields["qualifications"].queryset = Qualification.objects.filter(Q(is_active=True) | Q(pk__in=held))
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__is_active=True,
                memberships__department__in=departments,
            )
            .distinct()
            .order_by("username")
        )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["code"] = data.get("code") or ""
        return data


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=255, widget=forms.TextInput)


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("恢复原因"), max_length=255, required=False)


class AvailabilityForm(forms.Form):
    availability = forms.ChoiceField(label=_("在岗状态"), choices=Inspector.Availability.choices)
    available_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    available_until = forms.DateField(
        label=_("截止日期"), required=False, widget=DATE_INPUT, help_text=_("休假可留空表示截止日期未定；调离不填。")
    )
    reason = forms.CharField(label=_("变更原因"), max_length=255)


class RecusalForm(forms.Form):
    object_code = forms.CharField(
        label=_("检查对象"),
        max_length=32,
        help_text=_("填写检查对象的统一社会信用代码或公开编码。"),
    )
    reason = forms.CharField(label=_("回避原因"), max_length=255)

    def clean_object_code(self) -> InspectionObject:
        code = self.cleaned_data["object_code"].strip()
        found = InspectionObject.objects.filter(Q(public_code=code) | Q(uscc=code.upper())).first()
        if found is None:
            raise ValidationError(
                _("没有统一社会信用代码或公开编码为“%(code)s”的检查对象，请核对后重新填写。"),
                code="unknown_object",
                params={"code": code},
            )
        return found


class RecusalEndForm(forms.Form):
    reason = forms.CharField(label=_("解除原因"), max_length=255)
