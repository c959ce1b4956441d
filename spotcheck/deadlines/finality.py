"""When a visit counts as done, as the dashboard, the reminders and task completion read it. The
rule itself has one home, ``results.selectors.final_results_q``: approved, or confirmed where the
task's lead department does not ask for approval (``Department.results_need_approval``). A visit
that could not take place is a result too (outcome ``not_carried_out`` with its reason) and is
final the same way.

The dashboard's lists of visits read the visit's copy of its result's status
(``Visit.result_state``, kept in step by the result services) through an index, task by task:
``unfinished_statuses`` is the same rule said of that copy, for a task whose lead department
does or does not ask for approval."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from spotcheck.results import selectors as results
from spotcheck.results.models import VisitResult

Status = VisitResult.Status


def final_result_q(prefix: str = "") -> Q:
    """The condition on VisitResult rows (``prefix``: the path to them, e.g. ``"result__"``)."""
    return results.final_results_q(prefix)


def final_results() -> QuerySet[VisitResult]:
    return results.final_results()


def is_final(result: VisitResult | None) -> bool:
    return result is not None and results.is_final(result)


def unfinished_statuses(needs_approval: bool) -> list[str]:
    """The values of ``Visit.result_state`` that are not final ("": no result yet)."""
    final = {Status.APPROVED} if needs_approval else {Status.APPROVED, Status.CONFIRMED}
    return ["", *(status for status in Status.values if status not in final)]


def visit_done() -> Exists:
    """An expression for ``Visit`` querysets: the visit has a final result (a probe on the
    result's unique ``visit_id``)."""
    return Exists(VisitResult.objects.filter(final_result_q(), visit_id=OuterRef("pk")))
