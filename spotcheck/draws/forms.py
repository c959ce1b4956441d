"""Forms of the task pages: they parse and present input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department
from spotcheck.core.forms import ChineseSelectsMixin
from spotcheck.draws import pool, selectors
from spotcheck.draws.models import Task
from spotcheck.planning.models import PlanEntry

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# ------------------------------------------------------------------------------ team slots
#
# A task's team is a list of slots (岗位), each filled by one inspector of the slot's department
# holding its qualifications; one slot leads. The service, the API and the draw record keep them
# as codes ({"name", "dept", "quals"} and ``lead_slot``); the pages choose them from lists by
# Chinese name, one row per slot (a formset), and never show a code.

SLOTS_PREFIX = "slots"
SPARE_SLOT_ROWS = 2  # empty rows to fill without JavaScript
MAX_SLOTS = 20
ADD_SLOT_ROWS = "add_slot_rows"  # the "增加岗位" button's name, when it posts (no JavaScript)


class SlotForm(forms.Form):
    """One slot: its name, department and the qualifications its inspector must hold. A row
    left empty is no slot."""

    name = forms.CharField(
        label=_("岗位名称"), max_length=50, required=False, widget=forms.TextInput(attrs={"aria-label": _("岗位名称")})
    )
    dept = forms.ChoiceField(label=_("部门"), required=False, widget=forms.Select(attrs={"aria-label": _("部门")}))
    quals = forms.MultipleChoiceField(label=_("须具备的资格"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, departments: list[tuple[str, str]], qualifications: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dept"].choices = [("", _("请选择")), *departments]
        self.fields["quals"].choices = qualifications

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or data.get("dept") or data.get("quals"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("DELETE") or self.is_blank():
            return data
        if not data.get("name"):
            self.add_error("name", _("请填写岗位名称。"))
        if not data.get("dept"):
            self.add_error("dept", _("请选择岗位所属的部门。"))
        return data


class BaseSlotFormSet(forms.BaseFormSet):
    """The slot rows and, across them, which one leads (one radio button ``<prefix>-lead``
    whose value is the row's number)."""

    initial_lead: int | None = None

    @property
    def lead_field_name(self) -> str:
        return f"{self.prefix}-lead"

    @property
    def lead_index(self) -> int | None:
        if not self.is_bound:
            return self.initial_lead
        raw = self.data.get(self.lead_field_name, "")
        return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 4 else None

    def _kept(self) -> list[tuple[int, forms.Form]]:
        return [
            (index, form)
            for index, form in enumerate(self.forms)
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = self._kept()
        if not kept:
            raise ValidationError(_("请至少填写一个岗位。"))
        seen: set[str] = set()
        for _index, form in kept:
            name = form.cleaned_data["name"]
            if name in seen:
                raise ValidationError(_("岗位名称“%(name)s”重复：每个岗位的名称须各不相同。") % {"name": name})
            seen.add(name)
        if self.lead_index not in {index for index, _form in kept}:
            raise ValidationError(_("请选择组长岗位：在担任组长的岗位那一行选中“组长”。"))

    def slots(self) -> list[dict[str, Any]]:
        """The kept rows as the service takes them (codes)."""
        return [
            {
                "name": form.cleaned_data["name"],
                "dept": form.cleaned_data["dept"],
                "quals": sorted(form.cleaned_data["quals"]),
            }
            for _index, form in self._kept()
        ]

    def lead_slot(self) -> str:
        return self.forms[self.lead_index].cleaned_data["name"]

    def add_service_errors(self, messages: list[str]) -> None:
        """What the service refused about the slots, shown above the rows."""
        self._non_form_errors = self.error_class([*self.non_form_errors(), *messages], error_class="nonform")


SlotFormSet = forms.formset_factory(
    SlotForm, formset=BaseSlotFormSet, extra=SPARE_SLOT_ROWS, can_delete=True, max_num=MAX_SLOTS, validate_max=True
)


def slot_formset(
    *,
    departments: list[Department],
    qualifications: list[tuple[str, str]],
    data: Any = None,
    slots: list[dict[str, Any]] | None = None,
    lead_slot: str = "",
) -> BaseSlotFormSet:
    """The slot rows: bound to ``data``, or showing ``slots`` (codes) with ``lead_slot``
    chosen. Posting with ``ADD_SLOT_ROWS`` (the button, without JavaScript) gives the same rows
    and more empty ones."""
    if data is not None and ADD_SLOT_ROWS in data:
        data = data.copy()
        key = f"{SLOTS_PREFIX}-TOTAL_FORMS"
        total = int(data.get(key)) if str(data.get(key, "")).isdigit() else 0
        data[key] = str(min(total + SPARE_SLOT_ROWS, MAX_SLOTS))
    formset = SlotFormSet(
        data=data,
        initial=[{"name": s["name"], "dept": s["dept"], "quals": list(s.get("quals") or [])} for s in slots or []],
        prefix=SLOTS_PREFIX,
        form_kwargs={
            "departments": [(d.code, d.short_name) for d in departments],
            "qualifications": qualifications,
        },
    )
    names = [s["name"] for s in slots or []]
    formset.initial_lead = names.index(lead_slot) if lead_slot in names else None
    return formset


def _entry_departments(entry: PlanEntry) -> list[Department]:
    return list(dict.fromkeys([entry.lead_department, *entry.participating_departments.all()]))


def suggested_slots(entry: PlanEntry) -> tuple[list[dict[str, Any]], str]:
    """Two slots per department of the entry; each department's first slot asks for the
    qualifications its items require (a starting point the user edits). Named by the
    department's short name, never its code: 主检/协检 for the lead, 卫健检查/卫健协检 for another.
    Returns (slots, the lead slot's name)."""
    slots: list[dict[str, Any]] = []
    for department in _entry_departments(entry):
        quals = sorted(
            {
                q.code
                for item in entry.items.all()
                if item.department_id == department.pk and item.current_version_id
                for q in item.current_version.required_qualifications.all()
            }
        )
        lead = department.pk == entry.lead_department_id
        # Names are data (stored, drawn, published in the record), in Chinese whatever the UI's language.
        prefix = "" if lead else department.short_name
        slots.append({"name": prefix + ("主检" if lead else "检查"), "dept": department.code, "quals": quals})
        slots.append({"name": prefix + "协检", "dept": department.code, "quals": []})
    return slots, slots[0]["name"]


def _required_codes(versions: Any) -> set[str]:
    return {q.code for version in versions for q in version.required_qualifications.all()}


class TaskFromEntryForm(ChineseSelectsMixin, forms.Form):
    title = forms.CharField(
        label=_("任务名称"), max_length=200, required=False, help_text=_("留空则使用计划条目名称。")
    )
    window_start = forms.DateField(label=_("检查开始日期"), widget=_DATE)
    window_end = forms.DateField(label=_("检查截止日期"), widget=_DATE)
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

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", _("截止日期不能早于开始日期。"))
        return data

    @staticmethod
    def initial_from(entry: PlanEntry, slots: list[dict[str, Any]], lead_slot: str) -> dict[str, Any]:
        """The entry's values, and the cap that the proposed ``slots`` can fill whatever the seed."""
        strata = [
            {"filter": s.filter, "ratio": s.ratio, "minimum": s.min_count, "maximum": s.max_count}
            for s in entry.strata.filter(retired_at__isnull=True).order_by("position", "pk")
        ]
        cap = pool.proposed_cap(
            scope=entry.scope,
            strata=strata,
            slots=slots,
            lead_slot=lead_slot,
            day=entry.window_start,
            now=timezone.now(),
            item_ids=[item.pk for item in entry.items.all()],
        )
        return {
            "title": entry.name,
            "window_start": entry.window_start,
            "window_end": entry.window_end,
            "max_visits_per_inspector": cap,
            "list_publication": Task.ListPublication.WITH_NOTICE,
            "exclude_last_inspector": True,
        }


class _ReplacedTaskField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.code} {obj.title}（{_('取消原因')}：{obj.cancelled_reason}）"


class RedrawRefuseForm(ChineseSelectsMixin, forms.Form):
    reason = forms.CharField(label=_("不同意的原因"), max_length=255)


class TaskEditForm(TaskFromEntryForm):
    """What may change until the notice: the same fields as a new task's (a frozen task's
    freeze is discarded and it is frozen again)."""

    @staticmethod
    def initial_for(task: Task) -> dict[str, Any]:
        return {
            "title": task.title,
            "window_start": task.window_start,
            "window_end": task.window_end,
            "max_visits_per_inspector": task.max_visits_per_inspector,
            "list_publication": task.list_publication,
            "cross_office": task.cross_office,
            "exclude_last_inspector": task.exclude_last_inspector,
        }


def task_forms_for_entry(
    entry: PlanEntry, data: Any = None, redraw_candidates: list[Task] | None = None
) -> tuple[TaskFromEntryForm, BaseSlotFormSet]:
    """The new task's form and its slot rows: posted, or proposed from the entry."""
    departments = _entry_departments(entry)
    versions = [item.current_version for item in entry.items.all() if item.current_version_id]
    qualifications = selectors.slot_qualifications([d.pk for d in departments], also=_required_codes(versions))
    if data is not None:
        form = TaskFromEntryForm(data, redraw_candidates=redraw_candidates)
        return form, slot_formset(departments=departments, qualifications=qualifications, data=data)
    slots, lead_slot = suggested_slots(entry)
    form = TaskFromEntryForm(
        initial=TaskFromEntryForm.initial_from(entry, slots, lead_slot), redraw_candidates=redraw_candidates
    )
    return form, slot_formset(departments=departments, qualifications=qualifications, slots=slots, lead_slot=lead_slot)


def task_forms_for_edit(task: Task, data: Any = None) -> tuple[TaskEditForm, BaseSlotFormSet]:
    """The task's form and its slot rows, filled from the task (or posted)."""
    departments = list(task.participating_departments.order_by("sort_order", "pk"))
    versions = task.items.prefetch_related("required_qualifications")
    also = _required_codes(versions) | {q for slot in task.slots for q in slot.get("quals", [])}
    qualifications = selectors.slot_qualifications([d.pk for d in departments], also=also)
    kwargs = {"departments": departments, "qualifications": qualifications}
    if data is not None:
        return TaskEditForm(data), slot_formset(data=data, **kwargs)
    form = TaskEditForm(initial=TaskEditForm.initial_for(task))
    return form, slot_formset(slots=task.slots, lead_slot=task.lead_slot, **kwargs)


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
