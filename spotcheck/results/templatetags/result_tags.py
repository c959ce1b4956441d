"""The result block of the visit page (``{% visit_result visit user %}``, included by
inspections' visit page without importing this app) and small filters of the result pages."""

from __future__ import annotations

from django import template
from django.conf import settings

from spotcheck.results import access, selectors
from spotcheck.results.codes import ResultCode
from spotcheck.results.models import ItemResult

register = template.Library()


@register.inclusion_tag("results/_visit_result.html")
def visit_result(visit, user):
    result = selectors.result_of(visit)
    confirmations = result.confirmations.filter(revision=result.revision).count() if result is not None else 0
    return {
        "visit": visit,
        "result": result,
        "confirmations": confirmations,
        "needed": settings.SPOTCHECK_RESULT_CONFIRMATIONS,
        "may_enter": access.may_enter(user, visit),
    }


@register.filter
def code_label(code: str) -> str:
    """“1 未发现问题” for "1"."""
    return f"{code} {ResultCode(code).label}" if code in ResultCode.values else code


@register.filter
def answer_rows(row: ItemResult, entry) -> list[tuple[str, str, str]]:
    """(question, answer label, note) of an item's answers, in the questions' order."""
    labels = dict(ItemResult.Answer.choices)
    by_question = {a.get("question"): a for a in (row.answers or [])}
    rows = []
    for question in entry.questions:
        answer = by_question.get(question.pk, {})
        rows.append((question.text, str(labels.get(answer.get("answer"), "")), answer.get("note", "")))
    return rows
