"""The portal search's query (search14): every parameter is checked here and a bad one gets a
message naming it, never a 500 (a date like 2026-13-45, region=abc, a name of 10^5 characters)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Region
from spotcheck.directory.models import Industry
from spotcheck.portal.selectors_search import SearchCriteria, result_choices

NAME_MIN = 2  # issue 14, item 3: "a name fragment of two characters or more"
NAME_MAX = 200  # the longest name the directory holds
CODE_MAX = 32  # the longest public code
USCC = re.compile(r"[0-9A-Z]{18}")


class _CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.name)


class PublicSearchForm(forms.Form):
    q = forms.CharField(
        label=_("名称"),
        required=False,
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("至少两个字"), "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("统一社会信用代码"),
        required=False,
        max_length=CODE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("18 位代码或公开编码"), "autocomplete": "off"}),
    )
    department = _CodeChoiceField(
        label=_("抽查机关"),
        required=False,
        queryset=Department.objects.order_by("region__code", "sort_order", "code"),
        to_field_name="code",
        empty_label=_("全部机关"),
    )
    region = _CodeChoiceField(
        label=_("区划"),
        required=False,
        queryset=Region.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
        empty_label=_("全部区划"),
    )
    industry = forms.ModelChoiceField(
        label=_("行业"),
        required=False,
        queryset=Industry.objects.tree_order(),
        to_field_name="code",
        empty_label=_("全部行业"),
    )
    result = forms.ChoiceField(label=_("检查结果"), required=False, choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = result_choices()
        # "from" and "to" are the URL's names (Python keywords: declared here).
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(label=_("完成日期自"), required=False, widget=date)
        self.fields["to"] = forms.DateField(label=_("完成日期至"), required=False, widget=date)

    def clean_q(self) -> str:
        q = " ".join(self.cleaned_data["q"].split())
        if q and len(q) < NAME_MIN:
            raise forms.ValidationError(_("名称请至少输入两个字。"), code="too_short")
        return q

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("结束日期不能早于开始日期。"))
        return data

    def options(self) -> dict[str, list[tuple[str, str]]]:
        """Each list's choices as (value, label): the page renders them in a plain loop, as
        Django's widgets take a template per option (a third of the page's time)."""
        choices = self.fields["result"].choices  # all, none, problem, (codes, [...])
        return {
            "department": [(d.code, str(d.name)) for d in self.fields["department"].queryset.only("code", "name")],
            "region": [(r.code, str(r.name)) for r in self.fields["region"].queryset.only("code", "name")],
            "industry": [(i.code, str(i)) for i in self.fields["industry"].queryset.only("code", "name")],
            "result": [(value, str(label)) for value, label in choices[1:3]],
            "result_codes": [(value, str(label)) for value, label in choices[3][1]],
        }

    def value(self, name: str) -> str:
        """What the visitor sent for ``name`` (to show it again), cut to what a field may hold."""
        value = self.data.get(name, "") if self.is_bound else ""
        return str(value)[:NAME_MAX]

    def criteria(self) -> SearchCriteria:
        data = self.cleaned_data
        q, code = data.get("q", ""), data.get("code", "")
        if not code and USCC.fullmatch(q.upper()):
            # The portal's front page has one box for a name or a USCC.
            q, code = "", q.upper()
        return SearchCriteria(
            q=q,
            code=code,
            department=data.get("department"),
            region=data.get("region"),
            industry=data.get("industry"),
            result=data.get("result", ""),
            date_from=data.get("from"),
            date_to=data.get("to"),
        )
