"""The content of a result: how a form's fields map to it, and every rule it must hold.

A result arrives as ``data`` (what ``data_from_form`` makes of a form, or what an API client
sends)::

    {"outcome": "carried_out", "not_carried_out_reason": "", "not_carried_out_note": "",
     "completed_on": "2026-03-05",
     "items": {"<item version id>": {"checked": true, "method": "1", "adopted_from": "",
               "codes": ["1"], "answers": {"<question id>": {"answer": "conforms", "note": ""}},
               "note": "", "checked_on": ""}}}

``clean_result`` checks it against the visit's items and returns the canonical form that a
``ResultRevision`` keeps whole (items as a list in checklist order, dates ISO), or raises one
ValidationError whose keys are the form's field names and whose messages name the item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from spotcheck.catalog.models import ChecklistQuestion, ItemVersion
from spotcheck.results.codes import METHODS_NAMING_SOURCE, Method, NotCarriedOut, ResultCode, code_errors, has_problem
from spotcheck.results.models import ItemResult, VisitResult

NOTE_MAX = 2000
ANSWER_NOTE_MAX = 500
ADOPTED_FROM_MAX = ItemResult._meta.get_field("adopted_from").max_length
REASON_NOTE_MAX = VisitResult._meta.get_field("not_carried_out_note").max_length
Answer = ItemResult.Answer
Outcome = VisitResult.Outcome


@dataclass
class EntryItem:
    """One item of the visit's task as the form shows it."""

    version: ItemVersion
    questions: list[ChecklistQuestion]

    @property
    def prefix(self) -> str:
        return item_prefix(self.version.pk)

    @property
    def label(self) -> str:
        return f"{self.version.item.code} {self.version.name}"


def item_prefix(version_id: int) -> str:
    return f"i{version_id}"


# ------------------------------------------------------------------------------ form ↔ data


def _one(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip() if value is not None else ""


def _many(form: Any, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(name)]
    value = form.get(name, [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def data_from_form(form: Any, items: list[EntryItem]) -> dict[str, Any]:
    """The result a form (a QueryDict, or a draft's ``{name: [values]}``) describes."""
    data: dict[str, Any] = {
        "outcome": _one(form, "outcome") or Outcome.CARRIED_OUT,
        "not_carried_out_reason": _one(form, "not_carried_out_reason"),
        "not_carried_out_note": _one(form, "not_carried_out_note"),
        "completed_on": _one(form, "completed_on"),
        "items": {},
    }
    for entry in items:
        p = entry.prefix
        data["items"][str(entry.version.pk)] = {
            "checked": _one(form, f"{p}-checked") != "no",
            "method": _one(form, f"{p}-method"),
            "adopted_from": _one(form, f"{p}-adopted_from"),
            "codes": _many(form, f"{p}-codes"),
            "answers": {
                str(q.pk): {"answer": _one(form, f"{p}-q{q.pk}"), "note": _one(form, f"{p}-q{q.pk}-note")}
                for q in entry.questions
            },
            "note": _one(form, f"{p}-note"),
            "checked_on": _one(form, f"{p}-checked_on"),
        }
    return data


def form_from_clean(clean: Mapping[str, Any]) -> dict[str, list[str]]:
    """The form's fields for a saved (canonical) result, to edit it again."""
    form: dict[str, list[str]] = {
        "outcome": [clean.get("outcome", "")],
        "not_carried_out_reason": [clean.get("not_carried_out_reason", "")],
        "not_carried_out_note": [clean.get("not_carried_out_note", "")],
        "completed_on": [clean.get("completed_on") or ""],
    }
    for row in clean.get("items", []):
        p = item_prefix(row["item_version"])
        form[f"{p}-checked"] = ["yes" if row["checked"] else "no"]
        form[f"{p}-method"] = [row["method"]]
        form[f"{p}-adopted_from"] = [row["adopted_from"]]
        form[f"{p}-codes"] = list(row["codes"])
        form[f"{p}-note"] = [row["note"]]
        form[f"{p}-checked_on"] = [row["checked_on"] or ""]
        for answer in row["answers"]:
            form[f"{p}-q{answer['question']}"] = [answer["answer"]]
            form[f"{p}-q{answer['question']}-note"] = [answer["note"]]
    return form


# ------------------------------------------------------------------------------ the rules


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str, item: EntryItem | None = None) -> None:
        text = f"{item.label}：{message}" if item is not None else message
        self.by_field.setdefault(field, []).append(text)


def _date(value: Any, field: str, label: str, today: dt.date, errors: _Errors, item: EntryItem | None = None):
    text = str(value or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        errors.add(field, _("%(label)s应为“年-月-日”格式的日期。") % {"label": label}, item)
        return None
    if day > today:
        errors.add(field, _("%(label)s不能晚于今天。") % {"label": label}, item)
        return None
    return day


def _text(value: Any, field: str, label: str, limit: int, errors: _Errors, item: EntryItem | None = None) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        errors.add(field, _("%(label)s不能超过 %(max)s 个字符。") % {"label": label, "max": limit}, item)
    return text


def _clean_item(entry: EntryItem, raw: Any, completed_on: dt.date | None, status: str, today, errors) -> dict:
    p = entry.prefix
    raw = raw if isinstance(raw, Mapping) else {}
    checked = bool(raw.get("checked", True))
    method = str(raw.get("method") or "")
    codes = raw.get("codes") or []
    codes = [str(c) for c in codes] if isinstance(codes, list) else [str(codes)]
    note = _text(raw.get("note"), f"{p}-note", _("检查情况说明"), NOTE_MAX, errors, entry)
    row: dict[str, Any] = {
        "item_version": entry.version.pk,
        "department": entry.version.item.department_id,
        "checked": checked,
        "method": "",
        "adopted_from": "",
        "codes": [],
        "problem_found": False,
        "answers": [],
        "note": note,
        "checked_on": None,
    }
    if not checked:
        if codes:
            errors.add(f"{p}-codes", _("未检查的事项不能选择检查结果。"), entry)
        return row
    if method not in Method.values:
        errors.add(f"{p}-method", _("请选择核查方式。"), entry)
    adopted_from = _text(
        raw.get("adopted_from"), f"{p}-adopted_from", _("采用结果的部门或机构"), ADOPTED_FROM_MAX, errors, entry
    )
    if method in METHODS_NAMING_SOURCE:
        if not adopted_from:
            errors.add(
                f"{p}-adopted_from",
                _("核查方式为“%(method)s”时须填写采用其结论的部门或机构。") % {"method": Method(method).label},
                entry,
            )
        row["adopted_from"] = adopted_from
    for message in code_errors(codes, status):
        errors.add(f"{p}-codes", message, entry)
    answers_raw = raw.get("answers") if isinstance(raw.get("answers"), Mapping) else {}
    nonconforming = False
    for n, question in enumerate(entry.questions, start=1):
        given = answers_raw.get(str(question.pk)) or answers_raw.get(question.pk) or {}
        given = given if isinstance(given, Mapping) else {"answer": given}
        answer = str(given.get("answer") or "")
        field = f"{p}-q{question.pk}"
        if answer not in Answer.values:
            errors.add(field, _("第 %(n)s 项检查内容：请选择符合、不符合或不涉及。") % {"n": n}, entry)
        nonconforming |= answer == Answer.NONCONFORMING
        answer_note = _text(given.get("note"), f"{field}-note", _("答复说明"), ANSWER_NOTE_MAX, errors, entry)
        row["answers"].append({"question": question.pk, "answer": answer, "note": answer_note})
    if nonconforming and ResultCode.NO_PROBLEM in codes:
        errors.add(f"{p}-codes", _("有“不符合”的检查内容时不能选择“未发现问题”。"), entry)
    checked_on = _date(raw.get("checked_on"), f"{p}-checked_on", _("检查日期"), today, errors, entry)
    order = {code: n for n, code in enumerate(ResultCode.values)}
    row.update(
        method=method,
        codes=sorted(set(codes), key=lambda c: order.get(c, len(order))),
        problem_found=has_problem(codes),
        checked_on=(checked_on or completed_on).isoformat() if (checked_on or completed_on) else None,
    )
    return row


def clean_result(
    data: Any, items: list[EntryItem], *, object_status: str, today: dt.date, strict: bool = True
) -> dict[str, Any]:
    """The canonical result, or a ValidationError naming every wrong field (and its item).
    ``strict=False`` returns what it could read without raising (to show a refused version)."""
    if not isinstance(data, Mapping):
        if not strict:
            data = {}
        else:
            raise ValidationError(_("检查结果的内容无法识别。"), code="invalid")
    errors = _Errors()
    outcome = str(data.get("outcome") or Outcome.CARRIED_OUT)
    if outcome not in Outcome.values:
        errors.add("outcome", _("请选择检查情况。"))
    completed_on = _date(data.get("completed_on"), "completed_on", _("抽查完成日期"), today, errors)
    if completed_on is None and "completed_on" not in errors.by_field:
        errors.add("completed_on", _("请填写抽查完成日期。"))
    clean: dict[str, Any] = {
        "outcome": outcome,
        "not_carried_out_reason": "",
        "not_carried_out_note": "",
        "completed_on": completed_on.isoformat() if completed_on else None,
        "items": [],
    }
    raw_items = data.get("items") if isinstance(data.get("items"), Mapping) else {}
    if outcome == Outcome.NOT_CARRIED_OUT:
        reason = str(data.get("not_carried_out_reason") or "")
        note = _text(
            data.get("not_carried_out_note"), "not_carried_out_note", _("未能检查说明"), REASON_NOTE_MAX, errors
        )
        if reason not in NotCarriedOut.values:
            errors.add("not_carried_out_reason", _("请选择未能检查的原因。"))
        elif reason == NotCarriedOut.OTHER and not note:
            errors.add("not_carried_out_note", _("未能检查原因为“其他原因”时请填写说明。"))
        clean.update(not_carried_out_reason=reason, not_carried_out_note=note)
        # The visit did not take place: every item is recorded as not checked.
        for entry in items:
            clean["items"].append(_clean_item(entry, {"checked": False}, completed_on, object_status, today, errors))
    else:
        unknown = set(map(str, raw_items)) - {str(e.version.pk) for e in items}
        if unknown:
            errors.add("items", _("提交的事项不属于本次检查：%(ids)s。") % {"ids": "、".join(sorted(unknown))})
        for entry in items:
            raw = raw_items.get(str(entry.version.pk), raw_items.get(entry.version.pk))
            if raw is None:
                errors.add(f"{entry.prefix}-checked", _("缺少该事项的检查结果。"), entry)
                continue
            clean["items"].append(_clean_item(entry, raw, completed_on, object_status, today, errors))
    if errors.by_field and strict:
        raise ValidationError(errors.by_field, code="invalid_result")
    return clean
