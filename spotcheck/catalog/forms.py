"""Forms of the item pages. They only parse and present input; the services validate the
business rules and write (a service error is put back on the field it names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Region
from spotcheck.accounts.scope import Scope
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.core.forms import ChineseSelectsMixin
from spotcheck.core.widgets import CheckboxColumns, SearchableSelectMultiple
from spotcheck.directory.models import Industry, InspectionObject, LicenceKind, Tag
from spotcheck.inspectors.models import Qualification


def _label(field: str) -> str | Promise:
    # The lazy verbose name, so the label follows the language of each request.
    return ItemVersion._meta.get_field(field).verbose_name


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class IndustryChoiceField(forms.ModelMultipleChoiceField):
    """门类 first, each followed by its 大类 (indented), so choosing a 门类 reads as choosing all below."""

    def label_from_instance(self, obj: Industry) -> str:
        if obj.level == Industry.Level.SECTION:
            return _("%(code)s %(name)s（门类）") % {"code": obj.code, "name": obj.name}
        return f"\u3000{obj.code} {obj.name}"


class ScopeForm(ChineseSelectsMixin, forms.Form):
    """The target scope as five multi-selects; ``scope()`` gives the JSON the version keeps."""

    scope_kinds = forms.MultipleChoiceField(
        label=_("对象类型"), choices=InspectionObject.Kind.choices, required=False, widget=CheckboxColumns
    )
    scope_industries = IndustryChoiceField(
        label=_("行业（选门类即含其下全部大类）"),
        # "section" sorts after "division": descending puts each 门类 before its 大类.
        queryset=Industry.objects.order_by(Coalesce("parent__code", "code"), "-level", "code"),
        to_field_name="code",
        required=False,
        widget=SearchableSelectMultiple,
    )
    scope_licences = forms.ModelMultipleChoiceField(
        label=_("许可类别"),
        queryset=LicenceKind.objects.order_by("code"),
        to_field_name="code",
        required=False,
        widget=CheckboxColumns,
    )
    scope_tags = forms.ModelMultipleChoiceField(
        label=_("分类标注"),
        queryset=Tag.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=CheckboxColumns,
    )
    scope_regions = forms.ModelMultipleChoiceField(
        label=_("区划（选县即含其下全部乡镇）"),
        queryset=Region.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
        required=False,
        widget=SearchableSelectMultiple,
    )

    SCOPE_FIELDS = {
        "kinds": "scope_kinds",
        "industries": "scope_industries",
        "licences": "scope_licences",
        "tags": "scope_tags",
        "regions": "scope_regions",
    }

    def scope(self) -> dict[str, list[str]]:
        scope: dict[str, list[str]] = {}
        for key, field in self.SCOPE_FIELDS.items():
            values = self.cleaned_data.get(field) or []
            codes = sorted(v if isinstance(v, str) else v.code for v in values)
            if codes:
                scope[key] = codes
        return scope

    @classmethod
    def initial_from_scope(cls, scope: dict[str, Any] | None) -> dict[str, list[str]]:
        scope = scope or {}
        return {field: list(scope.get(key) or []) for key, field in cls.SCOPE_FIELDS.items()}

    def scope_fields(self):
        return [self[field] for field in self.SCOPE_FIELDS.values()]


class VersionForm(ScopeForm):
    """Everything a version says. Field names are the service's argument names."""

    name = forms.CharField(label=_label("name"), max_length=200)
    category = forms.ChoiceField(label=_label("category"), choices=ItemVersion.Category.choices)
    sub_items = forms.CharField(
        label=_label("sub_items"), required=False, widget=_textarea(3), help_text=_("每行一个子项。")
    )
    legal_basis = forms.CharField(label=_label("legal_basis"), widget=_textarea(3))
    implementing_body = forms.CharField(label=_label("implementing_body"), max_length=200)
    scope_description = forms.CharField(label=_label("scope_description"), max_length=255, required=False)
    default_ratio = forms.DecimalField(
        label=_label("default_ratio"),
        max_digits=7,
        decimal_places=6,
        min_value=0,
        max_value=1,
        help_text=_("0 到 1 之间，如 0.05 表示 5%；重点检查事项可为 1（全覆盖）。"),
    )
    times_per_year = forms.IntegerField(label=_label("times_per_year"), min_value=1, max_value=365, initial=1)
    methods = forms.MultipleChoiceField(
        label=_label("methods"), choices=ItemVersion.Method.choices, widget=CheckboxColumns
    )
    required_qualifications = forms.ModelMultipleChoiceField(
        label=_label("required_qualifications"),
        queryset=Qualification.objects.filter(is_active=True),
        required=False,
        widget=CheckboxColumns,
    )
    joint_departments = forms.ModelMultipleChoiceField(
        label=_label("joint_departments"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=CheckboxColumns,
    )
    inspection_basis = forms.CharField(label=_label("inspection_basis"), required=False, widget=_textarea())
    inspection_content = forms.CharField(label=_label("inspection_content"), required=False, widget=_textarea())
    inspection_procedure = forms.CharField(label=_label("inspection_procedure"), required=False, widget=_textarea())
    approval_authority = forms.CharField(label=_label("approval_authority"), required=False, widget=_textarea())
    disclosure_procedure = forms.CharField(label=_label("disclosure_procedure"), required=False, widget=_textarea())
    archiving_method = forms.CharField(label=_label("archiving_method"), required=False, widget=_textarea())
    change_note = forms.CharField(label=_label("change_note"), max_length=255, required=False)

    MAIN_FIELDS = (
        "name",
        "category",
        "sub_items",
        "legal_basis",
        "implementing_body",
        "default_ratio",
        "times_per_year",
        "methods",
        "required_qualifications",
        "joint_departments",
        "change_note",
    )
    GUIDELINE_FIELDS = ItemVersion.GUIDELINE_FIELDS

    @classmethod
    def initial_from(cls, version: ItemVersion) -> dict[str, Any]:
        initial: dict[str, Any] = {
            field: getattr(version, field)
            for field in (*cls.MAIN_FIELDS, *cls.GUIDELINE_FIELDS, "scope_description")
            if field not in {"sub_items", "required_qualifications", "joint_departments"}
        }
        initial["sub_items"] = "\n".join(version.sub_items or [])
        initial["default_ratio"] = version.default_ratio.normalize()
        initial["required_qualifications"] = list(version.required_qualifications.all())
        initial["joint_departments"] = list(version.joint_departments.all())
        return initial | cls.initial_from_scope(version.scope)

    def __init__(self, *args, department: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if department is not None:
            # An item's own department is never one of its joint departments.
            field = self.fields["joint_departments"]
            field.queryset = field.queryset.exclude(pk=department.pk)

    def main_fields(self):
        return [self[f] for f in self.MAIN_FIELDS]

    def guideline_fields(self):
        return [self[f] for f in self.GUIDELINE_FIELDS]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {f: data[f] for f in (*self.MAIN_FIELDS, *self.GUIDELINE_FIELDS, "scope_description")}
        kwargs["sub_items"] = data["sub_items"].splitlines()
        kwargs["required_qualifications"] = list(data["required_qualifications"])
        kwargs["joint_departments"] = list(data["joint_departments"])
        kwargs["scope"] = self.scope()
        return kwargs


class ItemCreateForm(VersionForm):
    department = forms.ModelChoiceField(label=_("所属部门"), queryset=Department.objects.none())
    code = forms.CharField(
        label=InspectionItem._meta.get_field("code").verbose_name,
        max_length=32,
        help_text=_("公开编码，创建后不能修改，如 SCJG-2026-001。"),
        strip=False,  # a code with outer spaces is refused, not silently trimmed
    )

    field_order = ["department", "code"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True)
        if not scope.writes_all:
            departments = departments.filter(pk__in=scope.write_departments or ())
        self.fields["department"].queryset = departments
        if scope.primary_department_id and "department" not in self.initial:
            self.initial["department"] = scope.primary_department_id

    def main_fields(self):
        return [self["department"], self["code"], *super().main_fields()]

    def service_kwargs(self) -> dict[str, Any]:
        return super().service_kwargs() | {
            "department": self.cleaned_data["department"],
            "code": self.cleaned_data["code"],
        }


class ChecklistQuestionForm(forms.Form):
    text = forms.CharField(label=_("检查内容"), max_length=500, required=False, widget=_textarea(2))
    basis = forms.CharField(label=_("检查依据"), max_length=500, required=False, widget=_textarea(2))

    def clean(self):
        data = super().clean()
        if data.get("basis") and not data.get("text") and not data.get("DELETE"):
            raise ValidationError(_("填写了检查依据的条目须填写检查内容。"))
        return data


class BaseChecklistFormSet(forms.BaseFormSet):
    def questions(self) -> list[dict[str, str]]:
        """Kept rows in order; blank rows are ignored."""
        return [
            {"text": f.cleaned_data["text"], "basis": f.cleaned_data.get("basis", "")}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("text")
        ]


ChecklistFormSet = forms.formset_factory(
    ChecklistQuestionForm, formset=BaseChecklistFormSet, extra=2, can_delete=True, max_num=200
)
CHECKLIST_PREFIX = "questions"
ROWS_PER_ADD = 3


def checklist_formset(data=None, initial=None) -> BaseChecklistFormSet:
    """Bound or initial formset; posting with ``add_rows`` gives the same data with more blank rows."""
    if data is not None and "add_rows" in data:
        data = data.copy()
        key = f"{CHECKLIST_PREFIX}-TOTAL_FORMS"
        data[key] = str(int(data.get(key) or 0) + ROWS_PER_ADD)
    return ChecklistFormSet(data=data, initial=initial, prefix=CHECKLIST_PREFIX)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=_textarea(3))

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("审查意见（可选）"), max_length=500, required=False, widget=_textarea(2))
