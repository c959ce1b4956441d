"""When a visit counts as done: the ONE rule the dashboard, the reminders and task completion
share. Today a result is final once confirmed (two certified officers) or approved; a visit
that could not take place is a result too (outcome ``not_carried_out`` with its reason) and is
final the same way. Where a department requires approval of results (i13-results adds
``Department.results_need_approval``), tighten ``final_result_q`` here and nowhere else."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from spotcheck.results.models import VisitResult

FINAL_STATUSES = (VisitResult.Status.CONFIRMED, VisitResult.Status.APPROVED)


def final_result_q(prefix: str = "") -> Q:
    """The condition on VisitResult rows (``prefix``: the path to them, e.g. ``"result__"``)."""
    return Q(**{f"{prefix}status__in": FINAL_STATUSES})


def final_results() -> QuerySet[VisitResult]:
    return VisitResult.objects.filter(final_result_q())


def is_final(result: VisitResult | None) -> bool:
    return result is not None and result.status in FINAL_STATUSES


def visit_done() -> Exists:
    """An expression for ``Visit`` querysets: the visit has a final result (one index probe on
    the result's unique ``visit_id``)."""
    return Exists(VisitResult.objects.filter(final_result_q(), visit_id=OuterRef("pk")))
