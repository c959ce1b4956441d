"""Forms of the task pages: they parse and present input; the services validate and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department
from spotcheck.core.forms import ChineseSelectsMixin
from spotcheck.draws import pool
from spotcheck.draws.models import Task
from spotcheck.planning.models import PlanEntry

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_QUAL_SEPARATORS = re.compile(r"[,，、]")


def parse_slot_lines(text: str) -> list[dict[str, Any]]:
    """``岗位名 部门代码 资格代码,资格代码`` per line (qualifications optional) → slots."""
    slots: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            raise ValidationError(
                _("第 %(n)s 行应为“岗位名 部门代码 资格代码,…”（资格可省略）：%(line)s"),
                params={"n": number, "line": line.strip()},
            )
        quals = [q for q in _QUAL_SEPARATORS.split(parts[2]) if q] if len(parts) == 3 else []
        slots.append({"name": parts[0], "dept": parts[1], "quals": quals})
    if not slots:
        raise ValidationError(_("请至少填写一个岗位。"))
    return slots


def suggested_slot_lines(entry: PlanEntry) -> str:
    """Two slots per department of the entry; the lead department's first slot carries the
    qualifications its items require (a starting point the user edits)."""
    lines = []
    departments = [entry.lead_department, *entry.participating_departments.all()]
    for department in departments:
        quals = sorted(
            {
                q.code
                for item in entry.items.all()
                if item.department_id == department.pk and item.current_version_id
                for q in item.current_version.required_qualifications.all()
            }
        )
        lead = department.pk == entry.lead_department_id
        first = f"{'主检' if lead else '检查'}{'' if lead else department.code}"
        lines.append(f"{first} {department.code} {','.join(quals)}".rstrip())
        lines.append(f"协检{'' if lead else department.code} {department.code}")
    return "\n".join(lines)


class TaskFromEntryForm(ChineseSelectsMixin, forms.Form):
    title = forms.CharField(
        label=_("任务名称"), max_length=200, required=False, help_text=_("留空则使用计划条目名称。")
    )
    window_start = forms.DateField(label=_("检查开始日期"), widget=_DATE)
    window_end = forms.DateField(label=_("检查截止日期"), widget=_DATE)
    slots = forms.CharField(
        label=_("检查组岗位"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        help_text=_(
            "每行一个岗位：岗位名 部门代码 资格代码（多个资格用逗号分隔，可省略）。"
            "每个检查组至少两个岗位，每个参与部门至少一个岗位。"
        ),
    )
    lead_slot = forms.CharField(label=_("组长岗位"), max_length=50, help_text=_("填写上面某一岗位的名称。"))
    max_visits_per_inspector = forms.IntegerField(
        label=_("每名检查人员的任务上限"),
        min_value=1,
        help_text=_(
            "建议值按对象库规模和检查人员名单估算，保证无论随机种子如何都能配齐检查组；冻结对象库时会按冻结的名单再次检查。"
        ),
    )
    list_publication = forms.ChoiceField(label=_("抽取名单公布方式"), choices=Task.ListPublication.choices)
    cross_office = forms.BooleanField(label=_("所所交叉（不匹配对象所在辖区的检查人员）"), required=False)
    exclude_last_inspector = forms.BooleanField(label=_("排除上次检查人员"), required=False, initial=True)

    def __init__(self, *args, redraw_candidates: list[Task] | None = None, **kwargs):
        """``redraw_candidates``: the entry's drawn and cancelled tasks; when there are any, the
        form asks which one this task draws again and why (the service decides whether it must)."""
        super().__init__(*args, **kwargs)
        if redraw_candidates:
            self.fields["replaces"] = _ReplacedTaskField(
                label=_("重新抽取：被替代的已取消任务"),
                queryset=Task.objects.filter(pk__in=[t.pk for t in redraw_candidates]).order_by("created_at", "pk"),
                required=False,
                help_text=_(
                    "本计划条目已有抽取后取消的任务。与其检查时间重叠的新任务是重新抽取："
                    "须选择被替代的任务并说明原因，经联席办批准后才能冻结对象库，并在公示平台公开。"
                ),
            )
            self.fields["redraw_reason"] = forms.CharField(label=_("重新抽取原因"), max_length=255, required=False)

    def clean_slots(self) -> list[dict[str, Any]]:
        return parse_slot_lines(self.cleaned_data["slots"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", _("截止日期不能早于开始日期。"))
        return data

    @staticmethod
    def initial_from(entry: PlanEntry) -> dict[str, Any]:
        slots = suggested_slot_lines(entry)
        lead_slot = slots.split()[0] if slots else ""
        strata = [
            {"filter": s.filter, "ratio": s.ratio, "minimum": s.min_count, "maximum": s.max_count}
            for s in entry.strata.filter(retired_at__isnull=True).order_by("position", "pk")
        ]
        cap = pool.proposed_cap(
            scope=entry.scope,
            strata=strata,
            slots=parse_slot_lines(slots) if slots else [],
            lead_slot=lead_slot,
            day=entry.window_start,
            now=timezone.now(),
        )
        return {
            "title": entry.name,
            "window_start": entry.window_start,
            "window_end": entry.window_end,
            "slots": slots,
            "lead_slot": lead_slot,
            "max_visits_per_inspector": cap,
            "list_publication": Task.ListPublication.WITH_NOTICE,
            "exclude_last_inspector": True,
        }


class _ReplacedTaskField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.code} {obj.title}（{_('取消原因')}：{obj.cancelled_reason}）"


class RedrawRefuseForm(ChineseSelectsMixin, forms.Form):
    reason = forms.CharField(label=_("不同意的原因"), max_length=255)


def slot_lines(slots: list[dict[str, Any]]) -> str:
    """A task's slots as the lines ``parse_slot_lines`` reads."""
    return "\n".join(f"{s['name']} {s['dept']} {','.join(s['quals'])}".rstrip() for s in slots)


class TaskEditForm(TaskFromEntryForm):
    """What may change until the notice: the same fields as a new task's (a frozen task's
    freeze is discarded and it is frozen again)."""

    @staticmethod
    def initial_for(task: Task) -> dict[str, Any]:
        return {
            "title": task.title,
            "window_start": task.window_start,
            "window_end": task.window_end,
            "slots": slot_lines(task.slots),
            "lead_slot": task.lead_slot,
            "max_visits_per_inspector": task.max_visits_per_inspector,
            "list_publication": task.list_publication,
            "cross_office": task.cross_office,
            "exclude_last_inspector": task.exclude_last_inspector,
        }


class WitnessInputForm(ChineseSelectsMixin, forms.Form):
    """A witness types only the value; an operator also names the witness and their department."""

    value = forms.CharField(
        label=_("见证人输入"), max_length=64, strip=False, help_text=_("例如掷骰子的结果，最多 64 个字符。")
    )
    witness_name = forms.CharField(label=_("见证人姓名"), max_length=50, required=False)
    witness_department = forms.ModelChoiceField(
        label=_("见证人所在部门"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args, operator: bool = False, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.operator = operator
        if operator:
            self.fields["witness_name"].required = True
            self.fields["witness_department"].required = True
            self.fields["witness_department"].queryset = departments
        else:
            del self.fields["witness_name"]
            del self.fields["witness_department"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=255)
