"""The result form as the template draws it: per department, per item, each field with its
value (from the saved result, a draft or what was just submitted) and its errors. The fields
are plain inputs named as ``content.data_from_form`` reads them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from spotcheck.results.codes import METHODS_NAMING_SOURCE, Method, NotCarriedOut, codes_for_status
from spotcheck.results.content import EntryItem
from spotcheck.results.models import ItemResult, VisitResult
from spotcheck.results.selectors import EntryGroup

Values = Mapping[str, list[str]]


@dataclass
class QuestionField:
    name: str
    text: str
    basis: str
    answer: str
    note: str
    errors: list[str]


@dataclass
class CodeChoice:
    value: str
    label: str
    checked: bool


@dataclass
class ItemForm:
    entry: EntryItem
    checked: bool
    method: str
    adopted_from: str
    codes: list[CodeChoice]
    questions: list[QuestionField]
    note: str
    checked_on: str
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.entry.prefix

    @property
    def has_errors(self) -> bool:
        return any(self.errors.values()) or any(q.errors for q in self.questions)


@dataclass
class GroupForm:
    department: Any
    items: list[ItemForm]


@dataclass
class ResultForm:
    groups: list[GroupForm]
    outcome: str
    not_carried_out_reason: str
    not_carried_out_note: str
    completed_on: str
    base_revision: int | None
    client_id: str
    reason: str
    # The errors of the result's own fields (outcome, dates, reason …), by field.
    errors: dict[str, list[str]]
    # Every message, the items' too, for the list at the top of the form.
    summary: list[str]
    needs_reason: bool
    methods = Method.choices
    methods_naming_source = sorted(METHODS_NAMING_SOURCE)
    not_carried_out_reasons = NotCarriedOut.choices
    answers = ItemResult.Answer.choices
    outcomes = VisitResult.Outcome.choices


def _first(values: Values, name: str, default: str = "") -> str:
    found = values.get(name)
    return found[-1] if found else default


def default_values(groups: list[EntryGroup], today: dt.date) -> dict[str, list[str]]:
    """A new result: carried out today, every item checked."""
    values: dict[str, list[str]] = {"outcome": [VisitResult.Outcome.CARRIED_OUT], "completed_on": [today.isoformat()]}
    for group in groups:
        for entry in group.items:
            values[f"{entry.prefix}-checked"] = ["yes"]
    return values


def build_form(
    groups: list[EntryGroup],
    values: Values,
    *,
    object_status: str,
    base_revision: int | None,
    errors: Mapping[str, list[str]] | None = None,
    needs_reason: bool = False,
    client_id: str | None = None,
) -> ResultForm:
    errors = dict(errors or {})
    summary = [message for messages in errors.values() for message in messages]
    offered = codes_for_status(object_status)
    group_forms = []
    for group in groups:
        items = []
        for entry in group.items:
            p = entry.prefix
            chosen = set(values.get(f"{p}-codes", []))
            questions = [
                QuestionField(
                    f"{p}-q{q.pk}",
                    q.text,
                    q.basis,
                    _first(values, f"{p}-q{q.pk}"),
                    _first(values, f"{p}-q{q.pk}-note"),
                    errors.pop(f"{p}-q{q.pk}", []) + errors.pop(f"{p}-q{q.pk}-note", []),
                )
                for q in entry.questions
            ]
            item_errors = {
                name: errors.pop(f"{p}-{name}", [])
                for name in ("checked", "method", "adopted_from", "codes", "note", "checked_on")
            }
            items.append(
                ItemForm(
                    entry=entry,
                    checked=_first(values, f"{p}-checked", "yes") != "no",
                    method=_first(values, f"{p}-method"),
                    adopted_from=_first(values, f"{p}-adopted_from"),
                    codes=[CodeChoice(c.value, c.label, c.value in chosen) for c in offered],
                    questions=questions,
                    note=_first(values, f"{p}-note"),
                    checked_on=_first(values, f"{p}-checked_on"),
                    errors=item_errors,
                )
            )
        group_forms.append(GroupForm(group.department, items))
    return ResultForm(
        groups=group_forms,
        outcome=_first(values, "outcome", VisitResult.Outcome.CARRIED_OUT),
        not_carried_out_reason=_first(values, "not_carried_out_reason"),
        not_carried_out_note=_first(values, "not_carried_out_note"),
        completed_on=_first(values, "completed_on"),
        base_revision=base_revision,
        client_id=client_id or str(uuid.uuid4()),
        reason=_first(values, "reason"),
        errors=errors,
        summary=summary,
        needs_reason=needs_reason,
    )
