"""Staff-side reads of the publication: what awaits publication, what awaits a correction, and a
task's results with their published versions. (The public side reads through
``portal.selectors_results``, never here.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from spotcheck.draws.models import Task
from spotcheck.publication.models import PublishedResult
from spotcheck.results.models import ResultConfirmation, VisitResult
from spotcheck.results.selectors import final_results_q

SHOWN = (PublishedResult.State.CURRENT, PublishedResult.State.WITHDRAWN)


def _shown_publication(prefix: str = "") -> QuerySet[PublishedResult]:
    return PublishedResult.objects.filter(visit_result=OuterRef(f"{prefix}pk"), state__in=SHOWN)


def awaiting_publication(results: QuerySet[VisitResult]) -> QuerySet[VisitResult]:
    """Final results never published."""
    return results.filter(final_results_q()).exclude(
        Exists(PublishedResult.objects.filter(visit_result=OuterRef("pk")))
    )


def awaiting_correction(results: QuerySet[VisitResult]) -> QuerySet[VisitResult]:
    """Final results whose published (or withdrawn) version is of an older revision: a correction
    became final after the publication and must be published (5 working days)."""
    older = _shown_publication().filter(revision__lt=OuterRef("revision"))
    return results.filter(final_results_q()).filter(Exists(older))


def became_final_on(visit_result: VisitResult) -> dt.date:
    """The day the current revision became final: its approval, or its last confirmation."""
    if visit_result.status == VisitResult.Status.APPROVED and visit_result.approved_at:
        return timezone.localdate(visit_result.approved_at)
    last = ResultConfirmation.objects.filter(visit_result=visit_result, revision=visit_result.revision).aggregate(
        at=Max("confirmed_at")
    )["at"]
    return timezone.localdate(last) if last else timezone.localdate()


def shown_publication(visit_result: VisitResult) -> PublishedResult | None:
    return PublishedResult.objects.filter(visit_result=visit_result, state__in=SHOWN).first()


@dataclass(frozen=True)
class PublicationCounts:
    final: int
    awaiting: int
    overdue: int
    corrections: int
    published: int
    late: int
    withdrawn: int


def task_counts(task: Task, today: dt.date | None = None) -> PublicationCounts:
    today = today or timezone.localdate()
    results = VisitResult.objects.filter(visit__task=task)
    awaiting = awaiting_publication(results)
    shown = PublishedResult.objects.filter(visit_result__visit__task=task, state__in=SHOWN)
    return PublicationCounts(
        final=results.filter(final_results_q()).count(),
        awaiting=awaiting.count(),
        overdue=awaiting.filter(publication_due_on__lt=today).count(),
        corrections=awaiting_correction(results).count(),
        published=shown.filter(state=PublishedResult.State.CURRENT).count(),
        late=shown.filter(on_time=False).count(),
        withdrawn=shown.filter(state=PublishedResult.State.WITHDRAWN).count(),
    )


def task_results_for_publication(task: Task) -> QuerySet[VisitResult]:
    """The task's results, final first, each annotated with its shown publication's id, state
    and revision (None when never published)."""
    shown = _shown_publication()
    return (
        VisitResult.objects.filter(visit__task=task)
        .select_related("visit__inspection_object")
        .annotate(
            published_id=shown.values("pk")[:1],
            published_state=shown.values("state")[:1],
            published_revision=shown.values("revision")[:1],
            published_on_time=shown.values("on_time")[:1],
            published_at=shown.values("published_at")[:1],
        )
        .order_by("publication_due_on", "visit__rank", "pk")
    )


def tasks_awaiting(task_ids: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks with a final result to publish or a correction to publish (the department's to-do)."""
    results = VisitResult.objects.filter(visit__task=OuterRef("pk"))
    tasks = Task.objects.all() if task_ids is None else task_ids
    return (
        tasks.filter(Q(Exists(awaiting_publication(results))) | Q(Exists(awaiting_correction(results))))
        .select_related("lead_department")
        .order_by(F("window_end").asc(), "pk")
    )
